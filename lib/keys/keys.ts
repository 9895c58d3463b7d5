/**
 * Content keys. A task's key is the hash of what it runs from: its input files' paths and
 * contents, its command, the values of its environment variables (and of the ones it
 * names in `inputsEnv`), its directory, and the keys of the tasks it depends on. A task
 * whose key equals its last successful run's is up to date: it is not run.
 *
 * Reading every input file on every run would cost what make avoids, so each file's
 * hash is reused while its size, modification time and inode are those recorded with it
 * (as git's index does, and with git's care for a file changed within the same moment it
 * was recorded); only files that differ are read, a bounded number at a time (p-queue).
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import { describeCommand, type Signal } from '../model/model.js';
import type { Plan, PlanTask } from '../plan/plan.js';
import { InputLister } from './inputs.js';

/** What a key is made of; kept with the key, so that a change can be explained part by part. */
export interface KeyParts {
  readonly command: string;
  /** The task's directory, relative to the pipeline's root. */
  readonly cwd: string;
  /** Variable name → hash of its value (values are never stored). */
  readonly env: Readonly<Record<string, string>>;
  /** Input path (relative to the task's directory) → hash of its contents. */
  readonly files: Readonly<Record<string, string>>;
  /** Dependency name → its key. */
  readonly deps: Readonly<Record<string, string>>;
}

/** A file's size, modification time (ms) and inode, as recorded with its hash. */
export type FileStat = readonly [size: number, mtimeMs: number, ino: number];

export interface TaskKey {
  /** 16 hex digits: usable as an image tag. */
  readonly key: string;
  readonly parts: KeyParts;
  /** Whether the task declares inputs: only then can it be up to date. */
  readonly cacheable: boolean;
  /** The stats the file hashes were taken at. */
  readonly stats: Readonly<Record<string, FileStat>>;
}

/** What was recorded of a task's last successful run. */
export interface RecordedKey {
  readonly key: string;
  readonly parts: KeyParts;
  readonly stats: Readonly<Record<string, FileStat>>;
  /** When it was recorded (ms since the epoch): a file modified since then may not show it in its mtime yet. */
  readonly recordedAt: number;
}

const hash = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const short = (text: string) => hash(text).slice(0, 16);

/** Files whose stat matches the record, modified this long before it was made, keep their recorded hash. */
const RACY_MS = 2000;
/** Input files read at once when hashing. */
const READ_CONCURRENCY = 32;

function commandText(task: PlanTask): string {
  // A function's source text stands for it: changing the function changes the key.
  return typeof task.run === 'function' ? `function ${task.run.toString()}` : describeCommand(task.run, task.args);
}

export interface KeyOptions {
  /** The environment tasks start from (for `inputsEnv`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The last successful run's record of each task, for the stat fast path (and, later, explanations). */
  recorded: ReadonlyMap<string, RecordedKey>;
  /** Aborting it stops the hashing: files not yet read are not read, and the keys reject with an AbortError. */
  signal?: Signal;
}

/** Keys of every task in the plan, dependencies before dependents. */
export async function computeKeys(plan: Plan, options: KeyOptions): Promise<Map<string, TaskKey>> {
  const root = plan.pipeline.root;
  const lister = new InputLister(InputLister.repoRootOf(root));
  const queue = new PQueue({ concurrency: READ_CONCURRENCY });
  // File contents first, for every task at once (the reads overlap); then keys in stage order.
  const files = new Map<string, Promise<{ hashes: Record<string, string>; stats: Record<string, FileStat> }>>();
  for (const task of plan.tasks) {
    if (task.settings.inputs.length === 0) continue;
    const hashed = hashInputs(task, lister, queue, options.recorded.get(task.name), options.signal);
    // Once one task's hashing is aborted the others' are too, and are never awaited.
    hashed.catch(() => {});
    files.set(task.name, hashed);
  }
  const keys = new Map<string, TaskKey>();
  for (const stage of plan.stages) {
    for (const task of stage) {
      const inputs = files.has(task.name) ? await files.get(task.name)! : { hashes: {}, stats: {} };
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(task.env)) env[name] = value === undefined ? '(removed)' : hash(value);
      for (const name of task.settings.inputsEnv)
        if (!(name in env)) env[name] = options.env[name] === undefined ? '(unset)' : hash(options.env[name]!);
      const deps: Record<string, string> = {};
      for (const id of task.depIds) deps[plan.tasks[id]!.name] = keys.get(plan.tasks[id]!.name)!.key;
      const parts: KeyParts = {
        command: hash(commandText(task)),
        cwd: path.relative(root, task.cwd).split(path.sep).join('/') || '.',
        env: sorted(env),
        files: inputs.hashes,
        deps: sorted(deps),
      };
      keys.set(task.name, {
        key: short(JSON.stringify(['stagerun-key-1', parts])),
        parts,
        cacheable: task.settings.inputs.length > 0,
        stats: inputs.stats,
      });
    }
  }
  return keys;
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Each input file's hash, from the record where its stat has not changed, else read. */
async function hashInputs(
  task: PlanTask,
  lister: InputLister,
  queue: PQueue,
  recorded: RecordedKey | undefined,
  signal: Signal | undefined,
): Promise<{ hashes: Record<string, string>; stats: Record<string, FileStat> }> {
  signal?.throwIfAborted();
  const list = lister.list(task.cwd, task.settings.inputs, task.settings.respectGitignore);
  const hashes: Record<string, string> = {};
  const stats: Record<string, FileStat> = {};
  const reads: Promise<void>[] = [];
  for (const file of list) {
    const relative = path.relative(task.cwd, file).split(path.sep).join('/');
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(file);
    } catch {
      continue; // it vanished since it was listed
    }
    const now: FileStat = [stat.size, stat.mtimeMs, stat.ino];
    stats[relative] = now;
    const before = recorded?.stats[relative];
    const known = recorded?.parts.files[relative];
    if (
      before &&
      known &&
      before[0] === now[0] &&
      before[1] === now[1] &&
      before[2] === now[2] &&
      now[1] < recorded!.recordedAt - RACY_MS
    ) {
      hashes[relative] = known;
      continue;
    }
    reads.push(
      // Checked in the job, not given to p-queue: aborting 100,000 queued jobs one by one there is quadratic.
      queue.add(async () => {
        if (!signal?.aborted) hashes[relative] = hash(await readFile(file)).slice(0, 32);
      }),
    );
  }
  await Promise.all(reads);
  signal?.throwIfAborted();
  return {
    hashes: Object.fromEntries(
      Object.keys(stats)
        .sort()
        .filter((name) => name in hashes)
        .map((name) => [name, hashes[name]!]),
    ),
    stats,
  };
}
