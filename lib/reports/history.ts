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
 *
 * Never in the way: a history that cannot be read (a directory, no permission) is an
 * empty one with a warning, and a run reads only as much of it as it needs: the recent
 * runs of the tasks it plans, read from the end of the file.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { HistoryError } from '../errors.js';
import type { RunEvent, Sink } from '../events/events.js';
import { createReportSink } from '../sinks/collect.js';
import { DEFAULT_TAIL_LINES } from '../sinks/line-tails.js';
import { DEFAULT_HISTORY_LIMIT } from '../util/defaults.js';
import { withLock } from '../util/lock.js';
import { ensureStateDir, stateDirOf } from '../util/state-dir.js';
import { describeWriteError } from '../util/write-error.js';
import { machineOf, REPORT_SCHEMA_VERSION, type RunReport, readReport, type TaskReport } from './run-report.js';
import { DurationSamples } from './stats.js';

export { DEFAULT_HISTORY_LIMIT };

/** How far back a run looks for those samples, in runs (a task that never succeeds must not make it read everything). */
const DURATION_LOOKBACK_RUNS = 50;

export interface HistoryWarning {
  file: string;
  /** 1-based; 0 when the warning is about the whole file. */
  line: number;
  reason: string;
}

export type WarningHandler = (warning: HistoryWarning) => void;

/** Where history lives for a deployfile (the file may not exist yet). */
export function historyFile(deployfile: string): string {
  return path.join(stateDirOf(deployfile), 'history.jsonl');
}

/** One line of history: a run (a version-1 record upgraded), or the reason it is not one. */
function parseLine(line: string): RunReport | string {
  try {
    return readReport(JSON.parse(line));
  } catch (error) {
    return (error as Error).message;
  }
}

/** Parses history text: valid records in file order; damaged lines reported and skipped. */
export function parseHistory(text: string, file: string, onWarning?: WarningHandler): RunReport[] {
  const runs: RunReport[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') onWarning?.({ file, line: index + 1, reason: parsed });
    else runs.push(parsed);
  });
  return runs;
}

/** The file's text; undefined (with a warning) when it exists but cannot be read. */
function readText(file: string, onWarning?: WarningHandler): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') onWarning?.({ file, line: 0, reason: unreadable(error) });
    return undefined;
  }
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'it is a directory, not a file; history is ignored until it is moved away';
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to read it; history is ignored';
  return `cannot be read (${(error as Error).message}); history is ignored`;
}

/** Every readable run, oldest first. A missing or unreadable file is an empty history. */
export function readHistory(file: string, onWarning?: WarningHandler): RunReport[] {
  const text = readText(file, onWarning);
  return text === undefined ? [] : parseHistory(text, file, onWarning);
}

/**
 * The file's lines from the last backwards, with the byte offset each starts at, read a
 * block at a time: what a run needs is at the end, and a history of large runs can be
 * tens of megabytes.
 */
export function* linesFromEnd(file: string, blockSize = 1 << 16): Generator<{ text: string; offset: number }> {
  const fd = openSync(file, 'r');
  try {
    let position = fstatSync(fd).size;
    // The part of the current line read so far, one piece per block, the latest in the file first:
    // joined once when the line's start is found (a 650 KB line is ten blocks, not ten copies).
    let pieces: Buffer[] = [];
    const line = (head: Buffer) => (pieces.length === 0 ? head : Buffer.concat([head, ...pieces.reverse()]));
    while (position > 0) {
      const size = Math.min(blockSize, position);
      position -= size;
      const block = Buffer.alloc(size);
      readSync(fd, block, 0, size, position);
      let end = size;
      for (let newline = block.lastIndexOf(0x0a, end - 1); newline !== -1; newline = end > 0 ? block.lastIndexOf(0x0a, end - 1) : -1) {
        const text = line(block.subarray(newline + 1, end));
        pieces = [];
        if (text.length > 0) yield { text: text.toString('utf8'), offset: position + newline + 1 };
        end = newline;
      }
      if (end > 0) pieces.push(block.subarray(0, end));
    }
    if (pieces.length > 0) yield { text: line(Buffer.alloc(0)).toString('utf8'), offset: 0 };
  } finally {
    closeSync(fd);
  }
}

/** The 1-based line number of the line that starts at byte `offset` (read only when a warning needs it). */
function lineNumberAt(file: string, offset: number): number {
  const fd = openSync(file, 'r');
  try {
    const prefix = Buffer.alloc(offset);
    readSync(fd, prefix, 0, offset, 0);
    let count = 1;
    for (let i = prefix.indexOf(0x0a); i !== -1; i = prefix.indexOf(0x0a, i + 1)) count++;
    return count;
  } finally {
    closeSync(fd);
  }
}

export interface DurationOptions {
  /** The tasks looked for (all, when absent); reading stops once each has its samples. */
  wanted?: ReadonlySet<string>;
  /** Only runs of this deployfile count. */
  deployfile?: string;
  /** Only runs on this machine count (and older records, which do not say where they ran). */
  machine?: string;
}

/**
 * Each task's expected duration: the median of its last successful durations, over the
 * most recent real runs (fed newest first) of `deployfile` that ran it, on `machine`.
 * `recentDurations` feeds it from the history file; a caller with the runs in hand, from it.
 */
export function durationsOf(runs: Iterable<RunReport>, options: DurationOptions = {}): RecentDurations {
  const samples = new DurationSamples(options.wanted);
  let count = 0;
  let cores: number | undefined;
  for (const run of runs) {
    if (!isOwnRun(run, options.deployfile)) continue;
    const machine = machineOf(run);
    if (options.machine !== undefined && machine && machine.name !== options.machine) continue;
    cores ??= machine?.cores;
    count++;
    if (samples.add(run) || count >= DURATION_LOOKBACK_RUNS) break;
  }
  return { durations: samples.durations(), attempts: samples.attempts(), cpuShares: samples.cpuShares(), runs: count, cores };
}

/** `durationsOf` the history file's runs, read from its end, only as far as needed. */
export function recentDurations(file: string, options: DurationOptions & { onWarning?: WarningHandler } = {}): RecentDurations {
  const targeted = options.wanted && options.wanted.size <= TARGETED_TASKS ? options.wanted : undefined;
  function* newestFirst(): Generator<RunReport> {
    try {
      if (!existsSync(file)) return;
      for (const { text, offset } of linesFromEnd(file)) {
        if (text.trim() === '') continue;
        const run = (targeted && wantedTasksOf(text, targeted)) ?? parseLine(text);
        if (typeof run === 'string') options.onWarning?.({ file, line: lineNumberAt(file, offset), reason: run });
        else yield run;
      }
    } catch (error) {
      // What was read before the file failed still counts.
      options.onWarning?.({ file, line: 0, reason: unreadable(error) });
    }
  }
  return durationsOf(newestFirst(), options);
}

/** Up to this many wanted tasks, their records are cut out of each line rather than the whole line parsed. */
const TARGETED_TASKS = 16;
const CURRENT_SCHEMA = `{"schemaVersion":${REPORT_SCHEMA_VERSION},`;

/**
 * The part of a history line that durations need, for a few tasks: whether it was simulated,
 * its deployfile, and those tasks' records, cut out of the line (a run of 2,000 tasks is a
 * 650 KB line, and a one-task run would otherwise parse ten of them). Lines are our own
 * JSON.stringify output, each task record starting with its name; anything unexpected
 * (another schema, a damaged line) returns undefined and the line is parsed whole.
 */
function wantedTasksOf(line: string, wanted: ReadonlySet<string>): RunReport | undefined {
  if (!line.startsWith(CURRENT_SCHEMA)) return undefined;
  const tasksAt = line.indexOf('"tasks":[');
  if (tasksAt < 0) return undefined;
  const header = line.slice(0, tasksAt);
  const simulated = /"simulated":(true|false)[,}]/.exec(header)?.[1];
  const deployfile = /"deployfile":("(?:[^"\\]|\\.)*")[,}]/.exec(header)?.[1];
  const jobs = /"jobs":(\d+)[,}]/.exec(header)?.[1];
  const machine = /"machine":(null|\{"name":"(?:[^"\\]|\\.)*","cores":\d+\})[,}]/.exec(header)?.[1];
  if (simulated === undefined || deployfile === undefined || jobs === undefined) return undefined;
  const tasks: TaskReport[] = [];
  try {
    for (const name of wanted) {
      const start = line.indexOf(`{"name":${JSON.stringify(name)},`, tasksAt);
      if (start < 0) continue;
      const end = objectEnd(line, start);
      if (end < 0) return undefined;
      tasks.push(JSON.parse(line.slice(start, end)) as TaskReport);
    }
    return {
      simulated: simulated === 'true',
      deployfile: JSON.parse(deployfile) as string,
      jobs: Number(jobs),
      ...(machine === undefined ? {} : { machine: JSON.parse(machine) as RunReport['machine'] }),
      tasks,
    } as RunReport;
  } catch {
    return undefined;
  }
}

/** Where the JSON object starting at `start` ends (just past its `}`), or -1. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return i + 1;
  }
  return -1;
}

export interface RecentDurations {
  /** Task name → median duration of a successful attempt over its last successful runs, ms. */
  durations: Map<string, number>;
  /** Task name → how many attempts it usually takes. */
  attempts: Map<string, number>;
  /** Task name → median share of a core it kept busy, where its CPU time was recorded. */
  cpuShares: Map<string, number>;
  /** How many recorded runs were read to find them. */
  runs: number;
  /** The cores of the machine of the newest of those runs that says (older records do not). */
  cores?: number;
}

/** Real runs only, and only those of this deployfile (history may be shared by several in one directory). */
export function isOwnRun(run: RunReport, deployfile?: string): boolean {
  if (run.simulated) return false;
  if (!deployfile || !run.deployfile) return true;
  return path.basename(run.deployfile) === path.basename(deployfile);
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
}

/** Appends one run; trims the oldest runs once there are a tenth more than `limit`. Throws HistoryError if it cannot. */
export function appendHistory(file: string, report: RunReport, options: AppendOptions = {}): void {
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  try {
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
      if (locked) trim(file, limit);
    });
  } catch (error) {
    throw new HistoryError(`cannot record the run in ${file}: ${describeWriteError(error, file)}`);
  }
}

/**
 * Keeps the newest `limit` lines once there are a tenth more. Lines are counted from the
 * end, a block at a time, and cut, not parsed: trimming (and checking whether to) must
 * not cost a parse, or a copy in memory, of a history of large runs.
 */
function trim(file: string, limit: number): void {
  const threshold = limit + Math.max(1, Math.floor(limit / 10));
  const fd = openSync(file, 'r');
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const size = fstatSync(fd).size;
    const block = Buffer.alloc(1 << 20);
    // Newlines between lines, from the end (the file's own last newline ends the last line).
    let between = 0;
    let cut = 0;
    scan: for (let end = size - 1; end > 0; ) {
      const start = Math.max(0, end - block.length);
      const length = end - start;
      readSync(fd, block, 0, length, start);
      for (let i = block.lastIndexOf(0x0a, length - 1); i !== -1; i = i > 0 ? block.lastIndexOf(0x0a, i - 1) : -1) {
        if (++between === limit) cut = start + i + 1;
        if (between >= threshold) break scan;
      }
      end = start;
    }
    if (between < threshold) return;
    copyTail(fd, cut, size, temp);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** Copies bytes [from, to) of an open file into a new file, a block at a time. */
function copyTail(fd: number, from: number, to: number, into: string): void {
  const out = openSync(into, 'w');
  try {
    const block = Buffer.alloc(1 << 20);
    for (let position = from; position < to; ) {
      const read = readSync(fd, block, 0, Math.min(block.length, to - position), position);
      if (read === 0) break;
      let written = 0;
      while (written < read) written += writeSync(out, block, written, read - written);
      position += read;
    }
  } finally {
    closeSync(out);
  }
}

/** The run with this id, or the only one whose id contains it (ids are long). */
export function findRun(runs: readonly RunReport[], id: string): RunReport {
  const exact = runs.find((run) => run.id === id);
  if (exact) return exact;
  const matches = runs.filter((run) => run.id.includes(id));
  if (matches.length === 1) return matches[0]!;
  const recent = runs
    .slice(-5)
    .map((run) => run.id)
    .reverse();
  const error = new HistoryError(
    matches.length === 0 ? `no recorded run has the id '${id}'` : `'${id}' matches ${matches.length} runs; give more of the id`,
  );
  error.hints.push(`latest runs: ${recent.join(', ') || '(none)'}; see stagerun history`);
  throw error;
}

/** Runs of `target`, or runs that ran the task `target`. */
export function runsOf(runs: readonly RunReport[], target: string | undefined): RunReport[] {
  if (!target) return [...runs];
  return runs.filter((run) => run.targets.includes(target) || run.tasks.some((task) => task.name === target));
}

export interface HistoryOptions {
  /** Damaged lines and unreadable files: reported, never thrown. */
  onWarning?: WarningHandler;
  /** A run that could not be recorded: reported, never thrown (the run's own result stands). */
  onError?: (error: Error) => void;
}

/** A deployfile's history, as commands use it. */
export interface History {
  readonly file: string;
  /** Real runs of this deployfile, oldest first; damaged lines are reported once. */
  runs(): RunReport[];
  /**
   * Median duration of each task (of `wanted`, or all) over its last successful runs; reads
   * only recent runs, and of those, given `machine`, only the ones on that machine (and older
   * records, which do not say where they ran).
   */
  durations(wanted?: Iterable<string>, machine?: string): RecentDurations;
  /**
   * A sink that records the finished run here, reporting (not throwing) if it cannot. It
   * builds the report from the events (with the last `tailLines` lines of each task that did
   * not succeed, default 15), or records `report()` at the run's end when given one.
   */
  recorder(limit?: number, options?: RecorderOptions): Sink;
}

export function openHistory(deployfile: string, options: HistoryOptions = {}): History {
  const file = historyFile(deployfile);
  let cached: RunReport[] | undefined;
  const runs = () => (cached ??= readHistory(file, options.onWarning).filter((run) => isOwnRun(run, deployfile)));
  return {
    file,
    runs,
    durations: (wanted, machine) =>
      recentDurations(file, { wanted: wanted ? new Set(wanted) : undefined, deployfile, machine, onWarning: options.onWarning }),
    recorder: (limit, recording) => recordTo(file, { limit, ...recording, onError: options.onError }),
  };
}

export interface RecorderOptions {
  /** Lines kept of each task that did not succeed, when the recorder builds the report. Default 15. */
  tailLines?: number;
  /**
   * The run's report, complete when `run-end` reaches the recorder (a run's own collector,
   * which sees each event first): recorded as it is, instead of building a second one.
   */
  report?: () => RunReport;
}

/** The history sink: appends the finished run's report to `file`. */
export function recordTo(file: string, options: AppendOptions & RecorderOptions & { onError?: (error: Error) => void } = {}): Sink {
  const collector = options.report ? undefined : createReportSink({ tailLines: options.tailLines ?? DEFAULT_TAIL_LINES });
  const report = options.report ?? (() => collector!.report());
  return (event: RunEvent) => {
    collector?.sink(event);
    if (event.type !== 'run-end') return;
    try {
      appendHistory(file, report(), options);
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(error as Error);
    }
  };
}
