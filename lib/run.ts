/**
 * Running a pipeline for real: plan → scheduler → local executor, with the report sink
 * and any other sinks listening. `run()` is the library entry; the CLI uses `startRun()`
 * to be able to interrupt.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type Clock, realClock } from './clock.js';
import { InvalidOptionError, InvalidTaskError } from './errors.js';
import { fanOut, SCHEDULE_POLICIES, type SchedulePolicy, type Sink } from './events.js';
import { LocalExecutor } from './exec.js';
import type { Pipeline, Signal } from './model.js';
import { type Plan, taskWeights, toPlan } from './plan.js';
import { createReportSink, type RunReport } from './report/json.js';
import { type Executor, startSchedule } from './schedule.js';

export interface RunOptions {
  /** Targets to run; default: the pipeline's default. */
  targets?: readonly string[];
  /** At most this many tasks at once. Default: the number of CPUs. */
  jobs?: number;
  /** `dag` (default) or `stages`. */
  schedule?: SchedulePolicy;
  /** Keep running what does not depend on a failed task. */
  keepGoing?: boolean;
  /** Expected durations by task name (ms), e.g. from history: they weigh critical-path priorities. */
  durations?: ReadonlyMap<string, number>;
  /** Extra event sinks (terminal output, history, traces). */
  sinks?: readonly Sink[];
  /** Aborting it interrupts the run: nothing new starts and running tasks are stopped. */
  signal?: Signal;
  /** Grace period between the stop signal and SIGKILL, ms. Default 5000. */
  graceMs?: number;
  /** Base environment for tasks. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Colour depth of the caller's own output (0–3): tasks then get FORCE_COLOR, see LocalExecutor. */
  colorLevel?: 0 | 1 | 2 | 3;
  /** Replace the local executor and the real clock (tests do). */
  executor?: Executor;
  clock?: Clock;
}

export interface RunHandle {
  readonly plan: Plan;
  /** Resolves when the run has ended, whatever its status; rejects only on internal errors. */
  readonly report: Promise<RunReport>;
  /** Interrupts the run; `force` kills running tasks at once. */
  stop(force?: boolean): void;
}

/** The options `run()` and `simulate()` share, checked the same way for both. */
export function checkRunOptions(options: { jobs?: unknown; schedule?: unknown; graceMs?: unknown }): void {
  if (options.jobs !== undefined && (!Number.isInteger(options.jobs) || (options.jobs as number) < 1)) {
    throw new InvalidOptionError('jobs', options.jobs, 'must be a whole number of at least 1');
  }
  if (options.schedule !== undefined && !SCHEDULE_POLICIES.includes(options.schedule as SchedulePolicy)) {
    throw new InvalidOptionError(
      'schedule',
      options.schedule,
      `must be one of ${SCHEDULE_POLICIES.map((policy) => `'${policy}'`).join(', ')}`,
    );
  }
  if (options.graceMs !== undefined && !((options.graceMs as number) >= 0)) {
    throw new InvalidOptionError('graceMs', options.graceMs, 'must be a number of milliseconds, 0 or more');
  }
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
  checkRunOptions(options);
  const plan = toPlan(source, options.targets);
  checkDirectories(plan);
  const executor =
    options.executor ?? (await LocalExecutor.create({ graceMs: options.graceMs, env: options.env, colorLevel: options.colorLevel }));
  const report = createReportSink();
  const handle = startSchedule(
    plan,
    {
      jobs: options.jobs ?? availableParallelism(),
      policy: options.schedule ?? 'dag',
      keepGoing: options.keepGoing ?? false,
      weights: taskWeights(plan, options.durations),
      // An already-aborted signal starts nothing: every task ends cancelled.
      interrupted: options.signal?.aborted ?? false,
    },
    executor,
    options.clock ?? realClock,
    fanOut([report.sink, ...(options.sinks ?? [])]),
  );
  const onAbort = () => handle.stop(false);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    plan,
    report: handle.done.then(async () => {
      options.signal?.removeEventListener('abort', onAbort);
      // What tasks left running in the background ends with the run.
      await executor.close?.();
      return report.report();
    }),
    stop: (force) => handle.stop(force),
  };
}

/** Runs the targets and returns the report (times in ms from the run's start). */
export async function run(source: Pipeline | Plan, options: RunOptions = {}): Promise<RunReport> {
  return (await startRun(source, options)).report;
}
