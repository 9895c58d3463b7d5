/**
 * Files a run writes because the user asked (`--report`, `--profile`): checked before
 * anything runs, by creating a file where the output will go, and written whole or not
 * at all (a temp file renamed over the target).
 */
import { closeSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputFileError } from '../errors.js';
import { describeWriteError } from './write-error.js';

/** Throws OutputFileError unless a file can be created at `file` (the file itself is left as it was). */
export function checkOutputFile(option: string, file: string | undefined, cwd = process.cwd()): void {
  if (file === undefined) return;
  const target = path.resolve(cwd, file);
  try {
    if (statSync(target).isDirectory()) throw new OutputFileError(option, file, 'it is a directory');
  } catch (error) {
    if (error instanceof OutputFileError) throw error;
  }
  // The real write goes through a temp file beside the target: that is what must be possible.
  const probe = `${target}.${process.pid}.probe`;
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (error) {
    throw new OutputFileError(option, file, describeWriteError(error, target));
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Writes whole or not at all. */
export function writeFileAtomic(option: string, file: string, text: string, cwd = process.cwd()): void {
  const target = path.resolve(cwd, file);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new OutputFileError(option, file, describeWriteError(error, target));
  }
}
