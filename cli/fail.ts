/**
 * The one place where errors become what the user reads. User mistakes (StagerunError)
 * get a message, the file, hints, and their exit code (2); anything else is a bug in
 * stagerun and gets a stack trace.
 */
import path from 'node:path';
import { type DeployfileErrors, isStagerunError, type StagerunError } from '../lib/errors.js';
import type { CliIo } from './io.js';

/** `file: ` or `file:line: ` before a message, the file relative to where the user is. */
function where(error: StagerunError, cwd: string): string {
  const file = error.location?.file ?? error.file;
  if (!file) return '';
  const shown = path.relative(cwd, file) || file;
  return error.location ? `${shown}:${error.location.line}: ` : `${shown}: `;
}

export function describeFailure(error: unknown, cwd: string): { text: string; exitCode: number } {
  if (isStagerunError(error)) {
    const lines = [
      `stagerun: ${where(error, cwd)}${error.message}${error.code === 'E_DEPLOYFILE' ? ':' : ''}`,
      ...error.hints.map((hint) => `  ${hint}`),
    ];
    if (error.code === 'E_DEPLOYFILE') {
      for (const problem of (error as DeployfileErrors).problems) {
        lines.push(`  ${where(problem, cwd)}${problem.message}`, ...problem.hints.map((hint) => `    ${hint}`));
      }
    }
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
