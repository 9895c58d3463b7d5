/**
 * The one stream of typed events a run emits. The terminal output, the JSON report,
 * history, traces and the Gantt chart are all sinks over it.
 */
import type { OutcomeKind } from '../executors/executor.js';
import type { OutputStream } from '../model/model.js';
import type { Plan, PlanTask } from '../plan/plan.js';

export { SCHEDULE_POLICIES, SCHEDULE_POLICY_TABLE, type SchedulePolicy } from '../schedule/policies.js';

import type { SchedulePolicy } from '../schedule/policies.js';

// Statuses are declared once, with all that sinks need of them, in statuses.ts.
export {
  RUN_STATUS_TABLE,
  type RunStatus,
  statusInfo,
  succeeded,
  TASK_STATUS_TABLE,
  TASK_STATUSES,
  type TaskStatus,
} from './statuses.js';

import type { RunStatus, TaskStatus } from './statuses.js';

/** One attempt of a task, as it happened. Times are ms from the run's start. */
export interface AttemptRecord {
  /** 1, then 2 and up for retries. */
  readonly number: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: OutcomeKind;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly slot: number;
  /** CPU time (user + system) of the attempt's process tree, ms; null where it is not known. */
  readonly cpuMs: number | null;
}

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
  /** The run's own time limit, if it has one. */
  readonly timeoutMs: number | null;
  /** Things the person running it should know (a secret too short to mask). */
  readonly warnings: readonly string[];
  /** The machine it ran on (or, simulated, the one it predicts for). */
  readonly machine: Machine;
}

/** A machine's identity (its host name, or a label given with --machine) and its cores. */
export interface Machine {
  readonly name: string;
  readonly cores: number;
}

/** A task is ready, and waits for a person to approve it (it holds no slot meanwhile). */
export interface ApprovalWaitEvent {
  readonly type: 'approval-wait';
  readonly at: number;
  readonly task: PlanTask;
  readonly question: string;
}

export interface ApprovalEndEvent {
  readonly type: 'approval-end';
  readonly at: number;
  readonly task: PlanTask;
  readonly approved: boolean;
  /** Who or what answered (`--yes`, `--approve NAME`, `the prompt`), or why no one could. */
  readonly by: string;
}

export interface TaskStartEvent {
  readonly type: 'task-start';
  readonly at: number;
  readonly task: PlanTask;
  /** Concurrency slot 0..jobs-1; null for goals, which take no slot. */
  readonly slot: number | null;
  /** 1, then 2 and up for retries. */
  readonly attempt: number;
}

export interface TaskOutputEvent {
  readonly type: 'task-output';
  readonly at: number;
  readonly task: PlanTask;
  readonly stream: OutputStream;
  readonly line: string;
}

/** An attempt ended and another one follows after `retryInMs`. (The last attempt ends with `task-end`.) */
export interface AttemptRetryEvent {
  readonly type: 'task-retry';
  readonly at: number;
  readonly task: PlanTask;
  readonly attempt: AttemptRecord;
  /** Why the attempt did not succeed, in a few words. */
  readonly reason: string;
  readonly retryInMs: number;
}

export interface TaskEndEvent {
  readonly type: 'task-end';
  readonly at: number;
  readonly task: PlanTask;
  readonly status: TaskStatus;
  /** When its first attempt started; null if it never did. */
  readonly startAt: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why it did not succeed, was skipped or cancelled, or why it is `no-change`, in a few words. */
  readonly reason: string | null;
  /** Every attempt, in order. */
  readonly attempts: readonly AttemptRecord[];
  /** Time spent waiting for a person's approval; null when it had no gate to wait at. */
  readonly approvalWaitMs: number | null;
}

export interface RunStoppingEvent {
  readonly type: 'run-stopping';
  readonly at: number;
  readonly cause: 'failure' | 'interrupt' | 'timeout';
  /** Tasks still running, which the run now waits for (failure) or stops (interrupt, timeout). */
  readonly running: readonly PlanTask[];
}

export interface RunEndEvent {
  readonly type: 'run-end';
  readonly at: number;
  readonly status: RunStatus;
  readonly makespanMs: number;
}

export type RunEvent =
  | RunStartEvent
  | ApprovalWaitEvent
  | ApprovalEndEvent
  | TaskStartEvent
  | TaskOutputEvent
  | AttemptRetryEvent
  | TaskEndEvent
  | RunStoppingEvent
  | RunEndEvent;

export type Sink = (event: RunEvent) => void;

/** Sends each event to every sink, in order. */
export function fanOut(sinks: readonly Sink[]): Sink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}
