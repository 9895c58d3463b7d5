/**
 * Running a pipeline for real: the execute path with the local executor and the real
 * clock. `run()` is the library entry; `startRun()` also hands back a way to interrupt.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidTaskError } from '../errors.js';
import type { Executor } from '../executors/executor.js';
import { LocalExecutor, type OutputPressure } from '../executors/local-executor.js';
import { keysFile, readKeys } from '../keys/key-store.js';
import { computeKeys } from '../keys/keys.js';
import { readFreshness, recordFreshness } from '../keys/up-to-date.js';
import type { Pipeline, Signal } from '../model/model.js';
import { type Plan, toPlan } from '../plan/plan.js';
import { type History, openHistory } from '../reports/history.js';
import type { RunReport } from '../reports/run-report.js';
import { type Clock, realClock } from '../schedule/clock.js';
import { createTerminalReporter, type Screen } from '../sinks/terminal.js';
import { checkExecuteOptions, type ExecuteOptions, execute } from './execute.js';

export interface RunOptions extends ExecuteOptions {
  /** Aborting it interrupts the run: nothing new starts and running tasks are stopped. */
  signal?: Signal;
  /** Grace period between the stop signal and SIGKILL, ms. Default 5000. */
  graceMs?: number;
  /** Colour depth of the caller's own output (0–3): tasks then get FORCE_COLOR, see LocalExecutor. */
  colorLevel?: 0 | 1 | 2 | 3;
  /** Back-pressure from whatever shows the output: while congested, tasks' output is not read. */
  pressure?: OutputPressure;
  /** Replace the local executor and the real clock (tests do). */
  executor?: Executor;
  clock?: Clock;
  /** Print what the CLI prints (each task's output under its name, the summary) to stdout and stderr. Default false. */
  print?: boolean;
  /**
   * Record the run in the deployfile's history (`.stagerun/history.jsonl` beside it, or in the
   * pipeline's root), and, unless `durations` are given, weigh priorities by it: `true`, or a
   * `History` already opened (`openHistory()`, with its own warnings). Default false.
   */
  history?: boolean | History;
  /** About this many runs are kept in history. Default `DEFAULT_HISTORY_LIMIT`. */
  historyLimit?: number;
  /**
   * Skip the tasks whose inputs, command, env and dependencies are those of their last
   * successful run (`up-to-date`), as the CLI does, with the keys kept in
   * `.stagerun/keys.json` beside the deployfile; the keys of the tasks that succeed are
   * recorded. `force` runs everything (`true`) or these tasks and what depends on them.
   * With `freshness` given too, that is used as it is (and the keys are still recorded).
   * Default false.
   */
  upToDate?: boolean | { force: true | readonly string[] };
  /** Told of what does not stop the run: a keys file that cannot be read or written. */
  onWarning?: (reason: string) => void;
}

export interface RunHandle {
  readonly plan: Plan;
  /** Resolves when the run has ended, whatever its status; rejects only on internal errors. */
  readonly report: Promise<RunReport>;
  /** Interrupts the run; `force` kills running tasks at once. */
  stop(force?: boolean): void;
}

/** Fails before anything runs if a task would start in a directory that does not exist. */
export function checkDirectories(plan: Plan): void {
  const seen = new Map<string, boolean>();
  for (const task of plan.tasks) {
    if (task.run === undefined || typeof task.run === 'function') continue;
    let ok = seen.get(task.cwd);
    if (ok === undefined) {
      ok = existsSync(task.cwd) && statSync(task.cwd).isDirectory();
      seen.set(task.cwd, ok);
    }
    if (!ok) throw new InvalidTaskError(task.name, 'directory', task.cwd, 'does not exist', plan.pipeline.source);
  }
}

export async function startRun(source: Pipeline | Plan, options: RunOptions = {}): Promise<RunHandle> {
  checkExecuteOptions(options);
  const plan = toPlan(source, options.targets, undefined, options);
  checkDirectories(plan);
  const executor =
    options.executor ??
    (await LocalExecutor.create({
      graceMs: options.graceMs,
      env: options.env,
      colorLevel: options.colorLevel,
      pressure: options.pressure,
    }));
  const sinks = [...(options.sinks ?? [])];
  let recorded: { durations?: ReadonlyMap<string, number>; attempts?: ReadonlyMap<string, number> } = {};
  // History and keys live in `.stagerun/` beside the deployfile (or the pipeline's root, for one built in code).
  const deployfile = plan.pipeline.source ?? path.join(plan.pipeline.root, 'deployfile.ts');
  if (options.history) {
    const history = options.history === true ? openHistory(deployfile) : options.history;
    if (options.durations === undefined) recorded = history.durations(plan.tasks.map((task) => task.name));
    // The run's own report (`execution`, below: complete when run-end reaches this sink), not a
    // second one built from the same events, with a second ring of each task's last lines.
    sinks.push(history.recorder(options.historyLimit, { report: () => execution.report() }));
  }
  let freshness = options.freshness;
  if (options.upToDate) {
    const force = options.upToDate === true ? undefined : options.upToDate.force;
    // Aborted while hashing: nothing is up to date to know of, and the run starts nothing anyway.
    freshness ??= await readFreshness(plan, deployfile, {
      env: options.env ?? process.env,
      force,
      signal: options.signal,
      onWarning: options.onWarning,
    }).catch((error: unknown) => {
      if (options.signal?.aborted) return undefined;
      throw error;
    });
    if (freshness) sinks.push(recordFreshness(deployfile, freshness, options.onWarning));
  }
  // Every task that runs gets its key as $STAGERUN_HASH, up-to-date skipping or not: one key per task, whatever runs it.
  const keys =
    options.keys ??
    freshness?.keys ??
    (await computeKeys(plan, { env: options.env ?? process.env, recorded: readKeys(keysFile(deployfile)), signal: options.signal }).catch(
      (error: unknown) => {
        if (options.signal?.aborted) return undefined;
        throw error;
      },
    ));
  if (options.print) sinks.push(createTerminalReporter({ screen: processScreen(), colorLevel: 0 }));
  // An already-aborted signal starts nothing: every task ends cancelled.
  const execution = execute(
    plan,
    {
      ...options,
      durations: options.durations ?? recorded.durations,
      attempts: options.attempts ?? recorded.attempts,
      sinks,
      freshness,
      keys,
      simulated: false,
      interrupted: options.signal?.aborted ?? false,
    },
    executor,
    options.clock ?? realClock,
  );
  const onAbort = () => execution.handle.stop(false);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    plan,
    report: execution.handle.done.then(async () => {
      options.signal?.removeEventListener('abort', onAbort);
      // What tasks left running in the background ends with the run.
      await executor.close?.();
      return execution.report();
    }),
    stop: (force) => execution.handle.stop(force),
  };
}

/** Lines to this process's stdout, a task's stderr lines to its stderr. */
function processScreen(): Screen {
  return {
    print: (text) => void process.stdout.write(`${text}\n`),
    printError: (text) => void process.stderr.write(`${text}\n`),
  };
}

/** Runs the targets and returns the report (times in ms from the run's start). */
export async function run(source: Pipeline | Plan, options: RunOptions = {}): Promise<RunReport> {
  return (await startRun(source, options)).report;
}
