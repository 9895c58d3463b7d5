/**
 * When a run stops starting things, and what it then says: the first cause wins (a failure
 * without -k, an interrupt, the run's time limit), except that an interrupt overrides the
 * others. It also keeps what the run's final status is made of.
 */
import { type RunStatus, statusInfo, type TaskStatus } from '../events/events.js';
import { formatDuration } from '../util/format.js';

export type StopCause = 'failure' | 'interrupt' | 'timeout';

export class StopRule {
  #cause: StopCause | undefined;
  #firstFailure: string | undefined;
  #anyFailed = false;
  #anyNeedsApproval = false;
  #force = false;

  /** `timeoutMs`: the run's own time limit, named when it is what stopped the run. */
  constructor(private readonly timeoutMs: number | undefined) {}

  get cause(): StopCause | undefined {
    return this.#cause;
  }

  /** Nothing new may start: not a task, a retry or a question. */
  get stopping(): boolean {
    return this.#cause !== undefined;
  }

  /** The run was interrupted or reached its time limit: what still runs is to be stopped. */
  get stopsRunning(): boolean {
    return this.#cause === 'interrupt' || this.#cause === 'timeout';
  }

  /** Whether stops are to kill at once (a second Ctrl-C). */
  get force(): boolean {
    return this.#force;
  }

  begin(cause: StopCause): void {
    this.#cause = cause;
  }

  forceFromNowOn(force: boolean): void {
    this.#force ||= force;
  }

  /** A task settled with `status`. */
  settled(status: TaskStatus): void {
    const { failsRun } = statusInfo(status);
    if (failsRun === 'failed') this.#anyFailed = true;
    if (failsRun === 'needs-approval') this.#anyNeedsApproval = true;
  }

  /** A task failed: the first one is named in the reason. */
  failed(name: string): void {
    this.#firstFailure ??= name;
  }

  /** Why tasks that did not get to run were cancelled, in words. */
  reason(): string {
    if (this.#cause === 'interrupt') return 'the run was interrupted';
    if (this.#cause === 'timeout') return `the run's time limit (${formatDuration(this.timeoutMs ?? 0)}) was reached`;
    return `the run stopped after ${this.#firstFailure} failed`;
  }

  status(): RunStatus {
    if (this.#cause === 'interrupt') return 'interrupted';
    if (this.#anyFailed || this.#cause === 'timeout') return 'failed';
    return this.#anyNeedsApproval ? 'needs-approval' : 'ok';
  }
}
