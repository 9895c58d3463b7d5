/**
 * The one stream of typed events a run emits. The terminal output, the JSON report,
 * history, traces and the Gantt chart are all sinks over it.
 */
import type { OutcomeKind } from '../executors/executor.js';
import type { OutputStream } from '../model/model.js';
import type { Plan, PlanTask } from '../plan/plan.js';

export type SchedulePolicy = 'dag' | 'stages';
export const SCHEDULE_POLICIES: readonly SchedulePolicy[] = ['dag', 'stages'];

/**
 * How a task ended. Every sink handles each of these (a switch over them is exhaustive):
 * - `ok`: succeeded (exit 0, a function that returned, or a goal whose deps succeeded)
 * - `no-change`: succeeded with nothing to do (an `okExitCodes` code other than 0, or output matching `noChange`)
 * - `up-to-date`: not run: its inputs, command, env and dependencies are those of its last successful run
 * - `failed`: non-zero exit, killed by a signal, could not start, or threw; after any retries
 * - `timeout`: its last attempt reached its time limit (or the run's)
 * - `needs-approval`: its approval gate was not answered yes (no terminal to ask on, or declined)
 * - `skipped`: not started because a task it needs did not succeed
 * - `cancelled`: not started because the run stopped (a failure without -k, Ctrl-C, the run's time limit)
 * - `interrupted`: was running (or waiting to retry) when the run was interrupted
 */
export type TaskStatus =
  | 'ok'
  | 'no-change'
  | 'up-to-date'
  | 'failed'
  | 'timeout'
  | 'needs-approval'
  | 'skipped'
  | 'cancelled'
  | 'interrupted';
export const TASK_STATUSES: readonly TaskStatus[] = [
  'ok',
  'no-change',
  'up-to-date',
  'failed',
  'timeout',
  'interrupted',
  'needs-approval',
  'skipped',
  'cancelled',
];

/** A status that lets dependents run. */
export function succeeded(status: TaskStatus): boolean {
  switch (status) {
    case 'ok':
    case 'no-change':
    case 'up-to-date':
      return true;
    case 'failed':
    case 'timeout':
    case 'needs-approval':
    case 'skipped':
    case 'cancelled':
    case 'interrupted':
      return false;
  }
}

/**
 * - `ok`: every task succeeded
 * - `failed`: a task failed or timed out (or was skipped because of one)
 * - `needs-approval`: nothing failed, but an approval gate was not answered yes
 * - `interrupted`: Ctrl-C (or `stop()`)
 */
export type RunStatus = 'ok' | 'failed' | 'needs-approval' | 'interrupted';

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
