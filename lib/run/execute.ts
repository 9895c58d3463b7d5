/**
 * The one execute path: a plan, the scheduler, an executor and a clock, with the report
 * sink listening. `run()` drives it with real processes and the real clock, `simulate()`
 * with a simulated executor and a virtual clock, the tests with their fakes; the options,
 * their checks, their defaults and the duration estimate are the same for all of them.
 */
import { availableParallelism, hostname } from 'node:os';
import { InvalidOptionError } from '../errors.js';
import { fanOut, type Machine, SCHEDULE_POLICIES, type SchedulePolicy, type Sink } from '../events/events.js';
import { MIN_SECRET_LENGTH, maskEvent, masker, maskPlan, secretValues } from '../events/secrets.js';
import type { Executor } from '../executors/executor.js';
import type { Freshness } from '../keys/freshness.js';
import type { TaskKey } from '../keys/keys.js';
import { type DurationRecords, type Estimates, estimate } from '../plan/estimate.js';
import type { Plan } from '../plan/plan.js';
import type { Selection } from '../plan/select.js';
import { newRunId, type RunReport } from '../reports/run-report.js';
import type { Clock } from '../schedule/clock.js';
import { type Approver, type ScheduleHandle, startSchedule } from '../schedule/scheduler.js';
import { createReportSink } from '../sinks/collect.js';
import { DEFAULT_TAIL_LINES } from '../sinks/line-tails.js';
import { type Approvals, approverFor } from './approval.js';

/** Options shared by `run()` and `simulate()`. */
export interface ExecuteOptions extends DurationRecords, Selection {
  /** Targets to run; default: the pipeline's default. */
  targets?: readonly string[];
  /** At most this many tasks at once. Default: the number of CPUs (as the CLI). */
  jobs?: number;
  /** `dag` (default) or `stages`. */
  schedule?: SchedulePolicy;
  /** Keep running what does not depend on a failed task. */
  keepGoing?: boolean;
  /** The whole run's time limit, ms: then running tasks are stopped (`timeout`) and the rest cancelled. */
  timeoutMs?: number;
  /** Extra event sinks (terminal output, history, traces). */
  sinks?: readonly Sink[];
  /** Gates approved ahead: `true` for all, or names of tasks and services. */
  approve?: Approvals;
  /** Answers the gates not approved ahead. `run()` without one: they end `needs-approval`; `simulate()` without one: they are approved. */
  approver?: Approver;
  /** Base environment for tasks (default: process.env): where secret values are looked up, to be masked. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Content keys and which tasks are up to date (`checkFreshness()`): those are not run. */
  freshness?: Freshness;
  /** The machine the run is on, or a simulation predicts for (default: this one, by host name, with its cores). */
  machine?: Machine;
  /** Each task's content key, given to it as `$STAGERUN_HASH` (default: the keys of `freshness`). */
  keys?: ReadonlyMap<string, TaskKey>;
  /** Tasks kept from an earlier run (`resumeFrom()`), by name, with why: they settle up to date without running. */
  kept?: ReadonlyMap<string, string>;
  /** Lines of output the report keeps of a task that does not succeed (its own `tail` wins). Default 15. */
  tailLines?: number;
}

/** The options `run()` and `simulate()` share, checked the same way for both. */
export function checkExecuteOptions(options: ExecuteOptions & { graceMs?: unknown }): void {
  const { jobs, schedule, timeoutMs, defaultDurationMs, graceMs } = options as Record<string, unknown>;
  if (jobs !== undefined && (!Number.isInteger(jobs) || (jobs as number) < 1))
    throw new InvalidOptionError('jobs', jobs, 'must be a whole number of at least 1');
  if (schedule !== undefined && !SCHEDULE_POLICIES.includes(schedule as SchedulePolicy)) {
    throw new InvalidOptionError('schedule', schedule, `must be one of ${SCHEDULE_POLICIES.map((policy) => `'${policy}'`).join(', ')}`);
  }
  const cores = (options.machine as { cores?: unknown } | undefined)?.cores;
  if (options.machine !== undefined && (!Number.isInteger(cores) || (cores as number) < 1))
    throw new InvalidOptionError('machine.cores', cores, 'must be a whole number of at least 1');
  if (timeoutMs === 0) throw new InvalidOptionError('timeoutMs', timeoutMs, 'must be more than 0 (leave it out for no limit)');
  for (const [name, value] of [
    ['timeoutMs', timeoutMs],
    ['defaultDurationMs', defaultDurationMs],
    ['graceMs', graceMs],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0))
      throw new InvalidOptionError(name, value, 'must be a number of milliseconds, 0 or more');
  }
}

export function defaultJobs(): number {
  return availableParallelism();
}

/** This machine: its host name and the cores a process may use. */
export function thisMachine(): Machine {
  return { name: hostname(), cores: availableParallelism() };
}

export interface Execution {
  readonly handle: ScheduleHandle;
  readonly estimates: Estimates;
  /** The report; complete once `handle.done` has settled. */
  report(): RunReport;
}

export function execute(
  plan: Plan,
  options: ExecuteOptions & { simulated: boolean; interrupted?: boolean; estimates?: Estimates },
  executor: Executor,
  clock: Clock,
): Execution {
  // Every path into the scheduler comes through here (run() checks them first too, before it hashes inputs).
  checkExecuteOptions(options);
  const estimates = options.estimates ?? estimate(plan, options);
  const collector = createReportSink({ tailLines: options.tailLines ?? DEFAULT_TAIL_LINES });
  const startedAt = new Date().toISOString();
  // Every event is masked before any sink sees it: secrets never reach the terminal, the report or history.
  const secrets = secretValues(plan, options.env ?? process.env);
  const mask = masker(secrets.values);
  const view = maskPlan(plan, mask, secrets.values.length > 0);
  const sinks = fanOut([collector.sink, ...(options.sinks ?? [])]);
  const emit: Sink = view === plan ? sinks : (event) => sinks(maskEvent(event, view, mask));
  const handle = startSchedule(
    plan,
    {
      jobs: options.jobs ?? defaultJobs(),
      policy: options.schedule ?? 'dag',
      keepGoing: options.keepGoing ?? false,
      weights: estimates.totalMs,
      resources: plan.pipeline.resources,
      runId: newRunId(startedAt),
      startedAt,
      simulated: options.simulated,
      interrupted: options.interrupted,
      timeoutMs: options.timeoutMs,
      approver: approverFor(plan, options.approve, options.approver),
      upToDate: upToDateIds(plan, options.freshness, options.kept),
      hashes: hashesOf(plan, options.keys ?? options.freshness?.keys),
      machine: options.machine ?? thisMachine(),
      warnings: secrets.tooShort.map(
        (name) =>
          `the secret ${name} is shorter than ${MIN_SECRET_LENGTH} characters, so it is not masked (masking it would garble every line that contains it)`,
      ),
    },
    executor,
    clock,
    emit,
  );
  return { handle, estimates, report: () => collector.report() };
}

/** Up-to-date tasks by id, with the reason they are: by their keys, or kept from the run this one resumes. */
function upToDateIds(
  plan: Plan,
  freshness: Freshness | undefined,
  kept: ReadonlyMap<string, string> | undefined,
): Map<number, string> | undefined {
  if (!freshness && !kept) return undefined;
  const ids = new Map<number, string>();
  for (const task of plan.tasks) {
    const verdict = freshness?.verdicts.get(task.name);
    const reason = kept?.get(task.name) ?? (verdict?.upToDate ? (verdict.reasons[0] ?? 'up to date') : undefined);
    if (reason !== undefined) ids.set(task.id, reason);
  }
  return ids;
}

/** Each planned task's key by id, for `$STAGERUN_HASH`. */
function hashesOf(plan: Plan, keys: ReadonlyMap<string, TaskKey> | undefined): (string | undefined)[] | undefined {
  return keys ? plan.tasks.map((task) => keys.get(task.name)?.key) : undefined;
}
