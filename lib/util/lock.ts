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

/** A lock without a PID this old was left by a process that died between creating it and writing to it. */
const UNWRITTEN_LOCK_MS = 1000;

/** A lock held by a dead process, or held for far too long, may be taken over; one held by a live process may not. */
function lockIsStale(lock: string): boolean {
  try {
    const age = Date.now() - statSync(lock).mtimeMs;
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(pid) && pid > 0) return !processAlive(pid) || age > STALE_LOCK_MS;
    return age > UNWRITTEN_LOCK_MS;
  } catch {
    return true; // it vanished: try again
  }
}

/**
 * Creates `lock` holding this PID, exclusively (EEXIST if another holds it). A lock that
 * cannot be written is not left behind. (`write` is the tests' way to fail the write.)
 */
export function takeLock(lock: string, write: (fd: number, text: string) => unknown = writeSync): void {
  const fd = openSync(lock, 'wx');
  try {
    write(fd, String(process.pid));
  } catch (error) {
    // ENOSPC, EIO: a lock without its holder's PID would make the next run wait for nothing.
    closeSync(fd);
    rmSync(lock, { force: true });
    throw error;
  }
  closeSync(fd);
}

/** Runs `body` holding `<file>.lock`; runs it anyway (without trimming rights) if the lock cannot be had within `waitMs`. */
export function withLock<T>(file: string, body: (locked: boolean) => T, waitMs = LOCK_WAIT_MS): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      takeLock(lock);
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
