/**
 * The one place where errors become what the user reads. User mistakes (StagerunError)
 * get a message, the file, hints, and their exit code (2); anything else is a bug in
 * stagerun and gets a stack trace.
 */
import path from 'node:path';
import { isStagerunError } from '../lib/errors.js';
import type { CliIo } from './io.js';

export function describeFailure(error: unknown, cwd: string): { text: string; exitCode: number } {
  if (isStagerunError(error)) {
    const file = error.file ? `${path.relative(cwd, error.file) || error.file}: ` : '';
    const lines = [`stagerun: ${file}${error.message}`, ...error.hints.map((hint) => `  ${hint}`)];
    return { text: lines.join('\n'), exitCode: error.exitCode };
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    text: `stagerun: internal error (please report it with the command you ran):\n${stack}`,
    exitCode: 1,
  };
}

export function printFailure(error: unknown, io: Pick<CliIo, 'stderr' | 'cwd'>): number {
  const { text, exitCode } = describeFailure(error, io.cwd);
  io.stderr.write(`${text}\n`);
  return exitCode;
}

export function warn(io: Pick<CliIo, 'stderr'>, text: string): void {
  io.stderr.write(`stagerun: warning: ${text}\n`);
}
