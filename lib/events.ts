/**
 * The one stream of typed events a run emits. The terminal output, the JSON report,
 * history, traces and the Gantt chart are all sinks over it.
 */
import type { OutputStream } from './model.js';
import type { Plan, PlanTask } from './plan.js';

export type SchedulePolicy = 'dag' | 'stages';
export const SCHEDULE_POLICIES: readonly SchedulePolicy[] = ['dag', 'stages'];

/**
 * - `ok`: exited 0 (or a goal whose deps succeeded)
 * - `failed`: non-zero exit, killed by a signal, could not start, or threw
 * - `skipped`: not started because a task it needs failed
 * - `cancelled`: not started because the run stopped (a failure without -k, or Ctrl-C)
 * - `interrupted`: was running when the run was interrupted, and did not succeed
 */
export type TaskStatus = 'ok' | 'failed' | 'skipped' | 'cancelled' | 'interrupted';
export type RunStatus = 'ok' | 'failed' | 'interrupted';

/** Times (`at`) are milliseconds since the run started, on the run's clock. */
export interface RunStartEvent {
  readonly type: 'run-start';
  readonly at: number;
  /** Unique per run; the report, history and traces all carry it. */
  readonly runId: string;
  readonly plan: Plan;
  readonly jobs: number;
  readonly schedule: SchedulePolicy;
  readonly keepGoing: boolean;
  /** Wall-clock start (ISO 8601). */
  readonly startedAt: string;
  readonly simulated: boolean;
  /** Each task's expected duration in ms (history or default), by task id. */
  readonly expectedMs: Float64Array;
}

export interface TaskStartEvent {
  readonly type: 'task-start';
  readonly at: number;
  readonly task: PlanTask;
  /** Concurrency slot 0..jobs-1; null for goals, which take no slot. */
  readonly slot: number | null;
}

export interface TaskOutputEvent {
  readonly type: 'task-output';
  readonly at: number;
  readonly task: PlanTask;
  readonly stream: OutputStream;
  readonly line: string;
}

export interface TaskEndEvent {
  readonly type: 'task-end';
  readonly at: number;
  readonly task: PlanTask;
  readonly status: TaskStatus;
  /** When it started; null if it never did. */
  readonly startAt: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why it failed, was skipped or cancelled, in a few words. */
  readonly reason: string | null;
}

export interface RunStoppingEvent {
  readonly type: 'run-stopping';
  readonly at: number;
  readonly cause: 'failure' | 'interrupt';
  /** Tasks still running, which the run now waits for (failure) or stops (interrupt). */
  readonly running: readonly PlanTask[];
}

export interface RunEndEvent {
  readonly type: 'run-end';
  readonly at: number;
  readonly status: RunStatus;
  readonly makespanMs: number;
}

export type RunEvent = RunStartEvent | TaskStartEvent | TaskOutputEvent | TaskEndEvent | RunStoppingEvent | RunEndEvent;

export type Sink = (event: RunEvent) => void;

/** Sends each event to every sink, in order. */
export function fanOut(sinks: readonly Sink[]): Sink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}
