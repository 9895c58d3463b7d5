/**
 * `.stagerun/keys.json`: each task's key at its last successful run, with what it was made
 * of. Written as history is: under the lock, to a temp file renamed over the old one, after
 * re-reading it, so that two runs at once each keep their tasks' records and a kill -9 at
 * any moment leaves the old file or the new one. A damaged file means "run everything",
 * with a warning, never a crash.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RunEvent, type Sink, statusInfo } from '../events/events.js';
import { withLock } from '../util/lock.js';
import { ensureStateDir, stateDirOf } from '../util/state-dir.js';
import type { RecordedKey, TaskKey } from './keys.js';

const VERSION = 1;

export function keysFile(deployfile: string): string {
  return path.join(stateDirOf(deployfile), 'keys.json');
}

interface KeysRecord {
  version: typeof VERSION;
  tasks: Record<string, RecordedKey>;
}

/** The recorded keys; empty (with a warning) when the file is damaged or unreadable. */
export function readKeys(file: string, onWarning?: (reason: string) => void): Map<string, RecordedKey> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      onWarning?.(`${file} cannot be read (${(error as Error).message}); every task runs`);
    return new Map();
  }
  try {
    const record = JSON.parse(text) as KeysRecord;
    if (record.version !== VERSION || typeof record.tasks !== 'object' || record.tasks === null) throw new Error('not a keys record');
    return new Map(Object.entries(record.tasks).filter(([, entry]) => typeof entry?.key === 'string' && typeof entry.parts === 'object'));
  } catch (error) {
    onWarning?.(`${file} is damaged (${(error as Error).message}); every task runs, and it is rewritten after this run`);
    return new Map();
  }
}

/** Records `succeeded` tasks' keys and forgets `failed` ones' (a failed run may have changed things), merged with what is on disk. */
export function updateKeys(file: string, succeeded: ReadonlyMap<string, TaskKey>, failed: readonly string[], now = Date.now()): void {
  ensureStateDir(path.dirname(file));
  withLock(file, () => {
    const tasks = Object.fromEntries(readKeys(file));
    for (const name of failed) delete tasks[name];
    for (const [name, key] of succeeded) tasks[name] = { key: key.key, parts: key.parts, stats: key.stats, recordedAt: now };
    const temp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify({ version: VERSION, tasks } satisfies KeysRecord));
      renameSync(temp, file);
    } finally {
      rmSync(temp, { force: true });
    }
  });
}

/**
 * A sink that records, when the run ends, the keys of the cacheable tasks that succeeded
 * (ok or no-change) and forgets those that did not (failed, timed out, interrupted).
 * Tasks that were up to date, skipped or cancelled keep what they had.
 */
export function keyRecorder(file: string, keys: ReadonlyMap<string, TaskKey>, onError: (error: Error) => void): Sink {
  const succeeded = new Map<string, TaskKey>();
  const failed: string[] = [];
  return (event: RunEvent) => {
    if (event.type === 'task-end') {
      const key = keys.get(event.task.name);
      if (!key?.cacheable) return;
      // What ran is recorded if it succeeded and forgotten if not; what did not run keeps its key.
      const { ran, succeeded: ok } = statusInfo(event.status);
      if (ran && ok) succeeded.set(event.task.name, key);
      else if (ran) failed.push(event.task.name);
      return;
    }
    if (event.type !== 'run-end' || (succeeded.size === 0 && failed.length === 0)) return;
    try {
      updateKeys(file, succeeded, failed);
    } catch (error) {
      onError(error as Error);
    }
  };
}
