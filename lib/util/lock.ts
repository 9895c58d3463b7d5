/**
 * A lock file beside a file that several stagerun processes write (history, keys): taken
 * with an exclusive create, released by removing it; one left by a process that died (its
 * PID gone) or held for far too long is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';

const LOCK_WAIT_MS = 5000;
const STALE_LOCK_MS = 30_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock held by a dead process, or held for far too long, may be taken over. */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return true;
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return true; // it vanished, or is unreadable garbage: try again
  }
}

/** Runs `body` holding `<file>.lock`; runs it anyway (without trimming rights) if the lock cannot be had. */
export function withLock<T>(file: string, body: (locked: boolean) => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return body(false);
      if (lockIsStale(lock)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) return body(false);
      sleep(10 + Math.random() * 20);
    }
  }
  try {
    return body(true);
  } finally {
    rmSync(lock, { force: true });
  }
}
