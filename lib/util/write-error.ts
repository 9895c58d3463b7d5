/** Why a file could not be written, in the words of the person at the terminal rather than an errno. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function describeWriteError(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const dir = path.dirname(target);
    return existsSync(dir) ? `files cannot be created in ${dir}` : `directory ${dir} does not exist`;
  }
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to write there';
  if (code === 'EROFS') return 'the file system is read-only';
  return (error as Error).message;
}
