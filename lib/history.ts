/**
 * Run history: `.stagerun/history.jsonl` beside the deployfile, one report per line.
 *
 * Never lost, never corrupted:
 * - a record is appended under a lock, in one write, to a file opened for appending;
 * - a torn last line (a process killed mid-write) is skipped when read, and the next
 *   append starts on a fresh line so it cannot glue onto it;
 * - trimming writes a temp file and renames it over the history, so a reader sees the
 *   old file or the new one, never half of one;
 * - a lock left by a killed process is taken over once its PID is gone.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ensureStateDir, stateDirOf } from './state.js';
import type { RunReport } from './report/json.js';

export const DEFAULT_HISTORY_LIMIT = 200;
const LOCK_WAIT_MS = 5000;
const STALE_LOCK_MS = 30_000;

export interface HistoryWarning {
  file: string;
  line: number;
  reason: string;
}

export type WarningHandler = (warning: HistoryWarning) => void;

/** Where history lives for a deployfile (the file may not exist yet). */
export function historyFile(deployfile: string): string {
  return path.join(stateDirOf(deployfile), 'history.jsonl');
}

function isReport(value: unknown): value is RunReport {
  const report = value as RunReport;
  return (
    typeof value === 'object' &&
    value !== null &&
    report.schemaVersion === 1 &&
    typeof report.id === 'string' &&
    typeof report.makespanMs === 'number' &&
    Array.isArray(report.tasks)
  );
}

/** Parses history text: valid records in file order; damaged lines reported and skipped. */
export function parseHistory(text: string, file: string, onWarning?: WarningHandler): { runs: RunReport[]; lines: string[] } {
  const runs: RunReport[] = [];
  const lines: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let reason: string;
    try {
      const value: unknown = JSON.parse(line);
      if (isReport(value)) {
        runs.push(value);
        lines.push(line);
        return;
      }
      reason = 'not a run record';
    } catch (error) {
      reason = (error as Error).message;
    }
    onWarning?.({ file, line: index + 1, reason });
  });
  return { runs, lines };
}

/** Every readable run, oldest first. A missing file is an empty history. */
export function readHistory(file: string, onWarning?: WarningHandler): RunReport[] {
  if (!existsSync(file)) return [];
  return parseHistory(readFileSync(file, 'utf8'), file, onWarning).runs;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid: number): boolean {
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
function withLock<T>(file: string, body: (locked: boolean) => T): T {
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

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

export interface AppendOptions {
  /** Keep at most about this many runs (trimmed in batches of a tenth). Default 200. */
  limit?: number;
  onWarning?: WarningHandler;
}

/** Appends one run; trims the oldest runs once there are a tenth more than `limit`. */
export function appendHistory(file: string, report: RunReport, options: AppendOptions = {}): void {
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  ensureStateDir(path.dirname(file));
  const record = Buffer.from(`${JSON.stringify(report)}\n`);
  withLock(file, (locked) => {
    const fd = openSync(file, 'a+');
    try {
      const data = endsWithNewline(fd) ? record : Buffer.concat([Buffer.from('\n'), record]);
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written);
    } finally {
      closeSync(fd);
    }
    if (locked) trim(file, limit, options.onWarning);
  });
}

function trim(file: string, limit: number, onWarning?: WarningHandler): void {
  const text = readFileSync(file, 'utf8');
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  if (count <= limit + Math.max(1, Math.floor(limit / 10))) return;
  const { lines } = parseHistory(text, file, onWarning);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, lines.slice(-limit).map((line) => `${line}\n`).join(''));
  renameSync(temp, file);
}
