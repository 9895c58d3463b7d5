/** `.stagerun/` beside the deployfile: history and temporary bundles. It ignores itself in git. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function stateDirOf(deployfile: string): string {
  return path.join(path.dirname(deployfile), '.stagerun');
}

/** Creates the directory (and its .gitignore) if needed; returns it. */
export function ensureStateDir(dir: string): string {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '.gitignore'), '*\n');
  }
  return dir;
}
