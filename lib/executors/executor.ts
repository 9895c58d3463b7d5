/**
 * What the scheduler asks of whatever runs tasks: start a task (one attempt of it), report
 * its output and how it ended, stop it when asked. Real processes (local-executor.ts), simulation
 * (run/simulate.ts) and the tests' fakes all implement this and nothing more.
 */
import type { OutputStream } from '../model/model.js';
import type { PlanTask } from '../plan/plan.js';

/**
 * How one attempt of a task ended. Executors report the first four kinds; the scheduler
 * turns an attempt it stopped into `timed-out` (its time limit) or `aborted` (the run was
 * interrupted), whatever the process then did.
 */
export type Outcome =
  /** The process exited, with this code (0 for a function task that returned); `cpuMs`: the CPU time its process tree used, where known. */
  | { readonly kind: 'exited'; readonly exitCode: number; readonly cpuMs?: number }
  /** The process was killed by a signal it did not expect. */
  | { readonly kind: 'signalled'; readonly signal: string; readonly cpuMs?: number }
  /** It never ran: command not found, no permission, bad directory. */
  | { readonly kind: 'could-not-start'; readonly reason: string }
  /** A function task threw (or its promise rejected). */
  | { readonly kind: 'threw'; readonly message: string }
  /** Stopped by the scheduler at the task's time limit. */
  | { readonly kind: 'timed-out'; readonly limitMs: number; readonly exitCode: number | null; readonly signal: string | null }
  /** Stopped by the scheduler because the run was interrupted. */
  | { readonly kind: 'aborted'; readonly exitCode: number | null; readonly signal: string | null };

export type OutcomeKind = Outcome['kind'];

/** The exit code and signal of an outcome, as the report records them. */
export function exitOf(outcome: Outcome): { exitCode: number | null; signal: string | null } {
  switch (outcome.kind) {
    case 'exited':
      return { exitCode: outcome.exitCode, signal: null };
    case 'signalled':
      return { exitCode: null, signal: outcome.signal };
    case 'timed-out':
    case 'aborted':
      return { exitCode: outcome.exitCode, signal: outcome.signal };
    case 'could-not-start':
    case 'threw':
      return { exitCode: null, signal: null };
  }
}

/** What the executor learns of one attempt. */
export interface Attempt {
  readonly task: PlanTask;
  /** 1 for the first attempt, 2 and up for retries. */
  readonly number: number;
  /** The task's content key, when keys were computed (`STAGERUN_HASH`). */
  readonly hash?: string | undefined;
}

/**
 * What the scheduler hands an executor for one attempt. A second `end` is ignored; output
 * after `end` (from children the task left running) is still shown under its name.
 */
export interface TaskIO {
  output(stream: OutputStream, line: string): void;
  end(outcome: Outcome): void;
}

export interface RunningTask {
  /** Asks the attempt to stop; `force` kills it at once instead of after the grace period. */
  stop(force: boolean): void;
}

export interface Executor {
  start(attempt: Attempt, io: TaskIO): RunningTask;
  /** Called once the run has ended: ends whatever tasks left behind. */
  close?(): Promise<void>;
}
