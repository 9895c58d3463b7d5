/**
 * Content keys. A task's key is the hash of what it runs from: its input files' paths and
 * contents, its command, the values of its environment variables (and of the ones it
 * names in `inputsEnv`), its directory, and the keys of the tasks it depends on. A task
 * whose key equals its last successful run's is up to date: it is not run.
 *
 * A key covers its dependencies' keys whether or not this invocation runs them (`--no-deps`,
 * `--skip`, an exported CI job): a task has one key, whatever command computes it.
 *
 * Reading every input file on every run would cost what make avoids, so each file's
 * hash is reused while its size, modification time and inode are those recorded with it
 * (as git's index does, and with git's care for a file changed within the same moment it
 * was recorded); only files that differ are read, as streams (memory stays bounded
 * however large a file is), a bounded number at a time (p-queue).
 */
import { createHash, scryptSync } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import PQueue from 'p-queue';
import { secretValues } from '../events/secrets.js';
import { type Command, describeCommand, type Signal, type TaskFunction } from '../model/model.js';
import { pipelineGraph } from '../plan/graph.js';
import type { Plan } from '../plan/plan.js';
import type { ResolvedTask } from '../plan/resolve.js';
import { closure } from '../plan/select.js';
import { InputLister } from './inputs.js';

/** What a key is made of; kept with the key, so that a change can be explained part by part. */
export interface KeyParts {
  readonly command: string;
  /** Hash of the task's `inputs` patterns (and whether `.gitignore` applies): changing a pattern changes the key. */
  readonly inputs?: string;
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
  /** What is wrong with its `inputs` patterns (one that matches no file, or reaches outside the project), each naming the pattern. */
  readonly warnings: readonly string[];
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

/**
 * A secret's stand-in in a key: scrypt, slow on purpose, salted with the variable's name.
 * keys.json is readable by others, and a plain SHA-256 of a short secret is guessed offline
 * in moments; a key made from a random local salt instead would differ between machines
 * (between CI and a laptop), and a task has one key wherever it runs. Each guess now costs
 * tens of milliseconds.
 */
const slowHashes = new Map<string, string>();
function secretHash(name: string, value: string): string {
  const id = `${name}\0${value}`;
  let hashed = slowHashes.get(id);
  if (!hashed) {
    hashed = `scrypt:${scryptSync(value, `stagerun-key:${name}`, 32, { N: 2 ** 14, r: 8, p: 1 }).toString('hex')}`;
    slowHashes.set(id, hashed);
  }
  return hashed;
}
const short = (text: string) => hash(text).slice(0, 16);

/** Files whose stat matches the record, modified this long before it was made, keep their recorded hash. */
const RACY_MS = 2000;
/** Bytes read from an input at a time: 32 files at once keep 32 MB in memory at most, however large they are. */
const READ_CHUNK = 1 << 20;
/** Input files read at once when hashing. */
const READ_CONCURRENCY = 32;

function commandText(run: Command | TaskFunction | undefined, args: readonly string[]): string {
  // A function's source text stands for it: changing the function changes the key.
  return typeof run === 'function' ? `function ${run.toString()}` : describeCommand(run, args);
}

/** The SHA-256 of a file, read as a stream: memory stays bounded however large the file is. */
function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const digest = createHash('sha256');
    createReadStream(file, { highWaterMark: READ_CHUNK })
      .on('data', (chunk) => digest.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(digest.digest('hex')));
  });
}

type Hashed = { hashes: Record<string, string>; stats: Record<string, FileStat>; warnings: string[] };

export interface KeyOptions {
  /** The environment tasks start from (for `inputsEnv`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The last successful run's record of each task, for the stat fast path (and, later, explanations). */
  recorded: ReadonlyMap<string, RecordedKey>;
  /** Aborting it stops the hashing: files not yet read are not read, and the keys reject with an AbortError. */
  signal?: Signal;
}

/**
 * Keys of every task in the plan and of everything they need in the pipeline (planned or
 * not), dependencies before dependents.
 */
export async function computeKeys(plan: Plan, options: KeyOptions): Promise<Map<string, TaskKey>> {
  const { pipeline } = plan;
  const root = pipeline.root;
  const lister = new InputLister(InputLister.repoRootOf(root));
  const queue = new PQueue({ concurrency: READ_CONCURRENCY });
  const graph = pipelineGraph(pipeline);
  const keyed = closure(
    pipeline,
    plan.tasks.map((task) => task.name),
  );
  // File contents first, for every task at once (the reads overlap); then keys in stage order.
  const files = new Map<string, Promise<Hashed>>();
  for (const task of pipeline.tasks) {
    if (task.settings.inputs.length === 0 || !keyed.has(task.name)) continue;
    const hashed = hashInputs(task, root, lister, queue, options.recorded.get(task.name), options.signal);
    // Once one task's hashing is aborted the others' are too, and are never awaited.
    hashed.catch(() => {});
    files.set(task.name, hashed);
  }
  const secrets = new Set(secretValues(plan, options.env).values);
  const keys = new Map<string, TaskKey>();
  for (const stage of graph.stages) {
    for (const id of stage) {
      const task = pipeline.tasks[id]!;
      if (!keyed.has(task.name)) continue;
      const inputs = files.has(task.name) ? await files.get(task.name)! : { hashes: {}, stats: {}, warnings: [] };
      const deps: Record<string, string> = {};
      for (const dep of graph.depIds[id]!) deps[pipeline.tasks[dep]!.name] = keys.get(pipeline.tasks[dep]!.name)!.key;
      // The words after `--` go to the planned targets only: they are part of those tasks' commands.
      const args = plan.byName.get(task.name)?.args ?? [];
      const parts = keyParts(task, args, root, options.env, inputs.hashes, deps, secrets);
      keys.set(task.name, {
        key: short(JSON.stringify(['stagerun-key-2', parts])),
        parts,
        cacheable: task.settings.inputs.length > 0 || task.settings.check !== undefined,
        stats: inputs.stats,
        warnings: inputs.warnings,
      });
    }
  }
  return keys;
}

function keyParts(
  task: ResolvedTask,
  args: readonly string[],
  root: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
  files: Record<string, string>,
  deps: Record<string, string>,
  secrets: ReadonlySet<string>,
): KeyParts {
  const valueHash = (name: string, value: string) =>
    value.split(/\r?\n/).some((line) => secrets.has(line)) ? secretHash(name, value) : hash(value);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(task.env)) env[name] = value === undefined ? '(removed)' : valueHash(name, value);
  for (const name of task.settings.inputsEnv)
    if (!(name in env)) env[name] = baseEnv[name] === undefined ? '(unset)' : valueHash(name, baseEnv[name]!);
  const { inputs, respectGitignore } = task.settings;
  return {
    command: hash(commandText(task.run, args)),
    inputs: hash(JSON.stringify([inputs, respectGitignore])),
    cwd: path.relative(root, task.cwd).split(path.sep).join('/') || '.',
    env: sorted(env),
    files,
    deps: sorted(deps),
  };
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Each input file's hash, from the record where its stat has not changed, else read. */
async function hashInputs(
  task: ResolvedTask,
  root: string,
  lister: InputLister,
  queue: PQueue,
  recorded: RecordedKey | undefined,
  signal: Signal | undefined,
): Promise<Hashed> {
  signal?.throwIfAborted();
  const { inputs, respectGitignore } = task.settings;
  const { files: list, unmatched } = lister.select(task.cwd, inputs, respectGitignore);
  const warnings = lister.problems(task.cwd, inputs, respectGitignore, unmatched, root).map((problem) => `${task.name}: ${problem}`);
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
        if (!signal?.aborted) hashes[relative] = (await hashFile(file)).slice(0, 32);
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
    warnings,
  };
}
