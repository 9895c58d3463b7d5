/**
 * The scheduler: decides what starts when. It is pure: it touches no process, no terminal
 * and no wall clock, only an executor, a clock, an approver and an event sink, so the same
 * code runs real pipelines, simulations and the tests' fake executor.
 *
 * Policy `dag`: a task is ready when all its deps succeeded; among ready tasks the one
 * with the longest remaining (weighted) path to the end of the graph starts first, ties
 * by declaration order. Policy `stages`: as a staged Makefile, stage k+1 starts only when
 * all of stage k has finished.
 *
 * The `Scheduler` connects its collaborators, each of which holds one kind of state:
 * - `TaskTable` (task-table.ts): per task, its state machine (task-state.ts), the deps it
 *   waits for, its attempts and their times;
 * - `ReadyQueue` (ready-queue.ts): what may start, best first, and what is parked;
 * - `Admission` (admission.ts): whether a ready task may start now (slots, stages, resources);
 * - `RunningAttempts` (running.ts) and `TaskTimers` (timers.ts): what runs, in which slot,
 *   until when, and why the scheduler stopped it;
 * - `Approvals` (approvals.ts): the questions open;
 * - `StopRule` (stop-rule.ts): whether the run is stopping, why, and its final status;
 * - `classify()` (classify.ts): what an attempt's outcome means for its task.
 */

import type { AttemptRecord, Machine, RunStatus, SchedulePolicy, Sink, TaskStatus } from '../events/events.js';
import { succeeded } from '../events/events.js';
import { type Executor, exitOf, type Outcome, type TaskIO } from '../executors/executor.js';
import { type Plan, type PlanTask, remainingPath } from '../plan/plan.js';
import { formatDuration } from '../util/format.js';
import { Admission } from './admission.js';
import { type ApprovalAnswer, Approvals, type Approver, NO_APPROVER } from './approvals.js';
import { classify, type Verdict } from './classify.js';
import type { Clock } from './clock.js';
import { ReadyQueue } from './ready-queue.js';
import { RunningAttempts, type StopWhy } from './running.js';
import { type StopCause, StopRule } from './stop-rule.js';
import { State } from './task-state.js';
import { TaskTable } from './task-table.js';
import { TaskTimers } from './timers.js';

export type { ApprovalAnswer, Approver } from './approvals.js';

export interface ScheduleOptions {
  jobs: number;
  policy: SchedulePolicy;
  keepGoing: boolean;
  /** Expected duration of each task (by id) in ms: the priority weights. */
  weights: Float64Array;
  /** Counted resources and their capacities (tasks name them in `uses`). */
  resources: Readonly<Record<string, number>>;
  runId: string;
  /** Wall-clock start, ISO 8601, for the run-start event (the scheduler reads no wall clock). */
  startedAt: string;
  simulated: boolean;
  /** Already interrupted: nothing starts, and every task ends `cancelled`. */
  interrupted?: boolean;
  /** The whole run's time limit, ms: then running tasks are stopped (`timeout`) and the rest cancelled. */
  timeoutMs?: number;
  /** Answers approval gates. Without one, a gate ends its task `needs-approval`. */
  approver?: Approver;
  /** Said at the start of the run (in `run-start`). */
  warnings?: readonly string[];
  /** Tasks that are up to date (by id), with why: they settle `up-to-date` when their deps are done, without running. */
  upToDate?: ReadonlyMap<number, string>;
  /** Each task's content key (by id), handed to the executor (`STAGERUN_HASH`). */
  hashes?: readonly (string | undefined)[];
  /** The machine the run is on (or is predicted for). */
  machine: Machine;
}

export interface ScheduleHandle {
  /** Settles when every task has settled and `run-end` has been emitted. */
  readonly done: Promise<RunStatus>;
  /** Interrupts the run: start nothing more and stop what runs (`force`: kill now). */
  stop(force?: boolean): void;
}

type Exit = { exitCode: number | null; signal: string | null };
const NO_EXIT: Exit = { exitCode: null, signal: null };

export class Scheduler implements ScheduleHandle {
  readonly done: Promise<RunStatus>;
  #resolveDone!: (status: RunStatus) => void;
  readonly #tasks: readonly PlanTask[];
  readonly #table: TaskTable;
  readonly #queue: ReadyQueue;
  readonly #admission: Admission;
  readonly #running = new RunningAttempts();
  readonly #timers: TaskTimers;
  readonly #approvals: Approvals;
  readonly #stop: StopRule;
  readonly #upToDate: ReadonlyMap<number, string>;
  /** Attempts that ended since the last pump, handled together (see #queuePump). */
  readonly #ended: { id: number; outcome: Outcome }[] = [];
  readonly #t0: number;
  #pumping = false;
  #pumpQueued = false;
  #finished = false;

  constructor(
    private readonly plan: Plan,
    private readonly options: ScheduleOptions,
    private readonly executor: Executor,
    private readonly clock: Clock,
    private readonly emit: Sink,
  ) {
    this.#tasks = plan.tasks;
    this.#table = new TaskTable(plan);
    this.#queue = new ReadyQueue(remainingPath(plan, options.weights));
    this.#admission = new Admission({ jobs: options.jobs, policy: options.policy, resources: options.resources });
    this.#timers = new TaskTimers(clock);
    this.#approvals = new Approvals(options.approver ?? NO_APPROVER);
    this.#stop = new StopRule(options.timeoutMs);
    this.#upToDate = options.upToDate ?? new Map<number, string>();
    this.#t0 = clock.now();
    this.done = new Promise<RunStatus>((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** Emits `run-start` and starts what may start. */
  start(): this {
    const { options } = this;
    this.emit({
      type: 'run-start',
      at: 0,
      runId: options.runId,
      plan: this.plan,
      jobs: options.jobs,
      schedule: options.policy,
      keepGoing: options.keepGoing,
      startedAt: options.startedAt,
      simulated: options.simulated,
      expectedMs: options.weights,
      timeoutMs: options.timeoutMs ?? null,
      warnings: options.warnings ?? [],
      machine: options.machine,
    });
    if (options.interrupted) this.#beginStopping('interrupt');
    for (const task of this.#tasks) if (task.depIds.length === 0 && !this.#stop.stopping) this.#becomeReady(task.id);
    if (options.timeoutMs !== undefined && !this.#stop.stopping) this.clock.setTimer(options.timeoutMs, () => this.#runTimedOut());
    this.#pump();
    return this;
  }

  stop(force = false): void {
    if (this.#finished) return;
    this.#stop.forceFromNowOn(force);
    if (this.#stop.cause !== 'interrupt') this.#beginStopping('interrupt');
    for (const id of this.#running.ids()) this.#running.stop(id, { kind: 'aborted' }, this.#stop.force);
    this.#pump();
  }

  #now(): number {
    return this.clock.now() - this.#t0;
  }

  #lineTime = Number.NaN;
  readonly #forgetLineTime = () => {
    this.#lineTime = Number.NaN;
  };

  /**
   * The time of an output line: read once per burst of lines (a chunk read from a pipe)
   * rather than per line, which cost 0.4 s of 3 s for 10 million lines; every line of a
   * chunk arrived at the same moment anyway.
   */
  #outputTime(): number {
    if (Number.isNaN(this.#lineTime)) {
      this.#lineTime = this.#now();
      queueMicrotask(this.#forgetLineTime);
    }
    return this.#lineTime;
  }

  #settle(id: number, status: TaskStatus, reason: string | null, exit: Exit = NO_EXIT): void {
    const task = this.#tasks[id]!;
    this.#table.states.move(id, State.Settled);
    this.#timers.cancel(id);
    this.#stop.settled(status);
    this.#table.settledIn(task.stage);
    this.emit({
      type: 'task-end',
      at: this.#now(),
      task,
      status,
      startAt: this.#table.firstStart(id),
      exitCode: exit.exitCode,
      signal: exit.signal,
      reason,
      attempts: this.#table.attempts(id),
      approvalWaitMs: this.#table.approvalWait(id),
    });
  }

  /** Marks everything downstream of a task that did not succeed as skipped; each task is visited once. */
  #skipDependents(id: number, status: TaskStatus): void {
    const why = status === 'needs-approval' ? 'was not approved' : status === 'timeout' ? 'timed out' : 'failed';
    const reason = `needs ${this.#tasks[id]!.name}, which ${why}`;
    const queue = [...this.#tasks[id]!.dependentIds];
    while (queue.length > 0) {
      const dependent = queue.pop()!;
      // Only tasks still waiting for their deps can depend on this one; others were reached already.
      if (!this.#table.states.is(dependent, State.Waiting)) continue;
      this.#settle(dependent, 'skipped', reason);
      queue.push(...this.#tasks[dependent]!.dependentIds);
    }
  }

  /** Deps done: a goal or an up-to-date task settles without a slot, a gated task asks first, any other joins the ready queue. */
  #becomeReady(id: number): void {
    const task = this.#tasks[id]!;
    const states = this.#table.states;
    if (task.run === undefined || this.#upToDate.has(id)) {
      states.move(id, State.Ready);
      this.#queue.pushInstant(id);
      return;
    }
    const question = task.settings.approval;
    if (question !== undefined && states.is(id, State.Waiting)) {
      this.#askApproval(id, question);
      return;
    }
    states.move(id, State.Ready);
    this.#queue.push(id);
  }

  #askApproval(id: number, question: string): void {
    const task = this.#tasks[id]!;
    this.#table.states.move(id, State.AwaitingApproval);
    const asked = this.#now();
    this.emit({ type: 'approval-wait', at: asked, task, question });
    this.#approvals.ask(task, question, (answer) => this.#approvalAnswered(id, asked, answer));
  }

  #approvalAnswered(id: number, asked: number, answer: ApprovalAnswer): void {
    if (!this.#table.states.is(id, State.AwaitingApproval)) return;
    const task = this.#tasks[id]!;
    this.#table.setApprovalWait(id, this.#now() - asked);
    this.emit({ type: 'approval-end', at: this.#now(), task, approved: answer.approved, by: answer.approved ? answer.by : answer.reason });
    if (answer.approved) {
      this.#table.states.move(id, State.Ready);
      this.#queue.push(id);
    } else {
      this.#settle(id, 'needs-approval', answer.reason);
      this.#skipDependents(id, 'needs-approval');
    }
    this.#queuePump();
  }

  /** A task succeeded: what waited for it alone becomes ready. */
  #release(id: number): void {
    for (const dependent of this.#tasks[id]!.dependentIds) {
      if (this.#table.dependencyDone(dependent) && this.#table.states.is(dependent, State.Waiting)) this.#becomeReady(dependent);
    }
  }

  /** What waited for `key` (a freed resource, an opened stage) goes back to the ready queue, in priority order. */
  #unpark(key: string): void {
    for (const id of this.#queue.unpark(key)) {
      if (!this.#table.states.is(id, State.Parked)) continue;
      this.#table.states.move(id, State.Ready);
      this.#queue.push(id);
    }
  }

  /**
   * Nothing new starts from now on: not a task, not a retry, not a question. A task waiting
   * to retry ends with its last attempt; a question still open is withdrawn.
   */
  #beginStopping(cause: StopCause): void {
    this.#stop.begin(cause);
    this.emit({ type: 'run-stopping', at: this.#now(), cause, running: this.#running.ids().map((id) => this.#tasks[id]!) });
    const reason = this.#stop.reason();
    this.#approvals.withdrawAll((id) => this.#settle(id, 'cancelled', reason));
    for (let id = 0; id < this.#tasks.length; id++) {
      if (!this.#table.states.is(id, State.RetryWait)) continue;
      const last = this.#table.lastAttempt(id)!;
      if (cause === 'interrupt') {
        this.#settle(id, 'interrupted', reason, last);
        continue;
      }
      const status = last.outcome === 'timed-out' ? 'timeout' : 'failed';
      this.#settle(id, status, `attempt ${last.number} did not succeed and ${reason}, so no retry was made`, last);
      this.#skipDependents(id, 'failed');
    }
  }

  #runLimit(): StopWhy {
    return { kind: 'timed-out', limitMs: this.options.timeoutMs ?? 0 };
  }

  /** The run's own time limit: running tasks are stopped, and nothing more starts. */
  #runTimedOut(): void {
    if (this.#finished || this.#stop.cause === 'interrupt') return;
    if (this.#stop.cause !== 'timeout') this.#beginStopping('timeout');
    for (const id of this.#running.ids()) this.#running.stop(id, this.#runLimit(), false);
    this.#pump();
  }

  #launch(id: number): void {
    const task = this.#tasks[id]!;
    const slot = this.#running.takeSlot();
    this.#table.states.move(id, State.Running);
    this.#admission.take(task);
    const at = this.#now();
    const number = this.#table.beginAttempt(id, at, slot);
    this.emit({ type: 'task-start', at, task, slot, attempt: number });
    const limit = task.settings.timeout;
    if (limit !== undefined) this.#timers.set(id, limit, () => this.#running.stop(id, { kind: 'timed-out', limitMs: limit }, false));
    const io = this.#ioFor(id);
    // Registered before start() so that an executor ending the task synchronously is handled.
    this.#running.starting(id);
    try {
      const handle = this.executor.start({ task, number, hash: this.options.hashes?.[id] }, io);
      if (!io.open) return;
      this.#running.started(id, handle);
      if (this.#stop.stopsRunning)
        this.#running.stop(id, this.#stop.cause === 'interrupt' ? { kind: 'aborted' } : this.#runLimit(), this.#stop.force);
    } catch (error) {
      io.end({ kind: 'could-not-start', reason: `could not start: ${(error as Error)?.message ?? String(error)}` });
    }
  }

  /** What the executor reports one attempt through: its lines (watched for the `noChange` pattern) and its one end. */
  #ioFor(id: number): TaskIO & { readonly open: boolean } {
    const task = this.#tasks[id]!;
    const pattern = task.settings.noChange;
    let open = true;
    return {
      get open() {
        return open;
      },
      output: (stream, line) => {
        if (this.#finished) return;
        if (open && pattern && !this.#table.matchedNoChange(id) && pattern.test(line)) this.#table.matchNoChange(id);
        this.emit({ type: 'task-output', at: this.#outputTime(), task, stream, line });
      },
      end: (outcome) => {
        if (!open) return;
        open = false;
        this.#ended.push({ id, outcome });
        this.#queuePump();
      },
    };
  }

  #attemptEnded(id: number, raw: Outcome): void {
    const task = this.#tasks[id]!;
    this.#timers.cancel(id);
    const slot = this.#table.slot(id);
    const outcome = withStopReason(this.#running.ended(id, slot), raw);
    for (const key of this.#admission.release(task)) this.#unpark(key);
    const endMs = this.#now();
    const exit = exitOf(outcome);
    const startMs = this.#table.attemptStart(id);
    const number = this.#table.attemptNumber(id);
    const cpuMs = raw.kind === 'exited' || raw.kind === 'signalled' ? (raw.cpuMs ?? null) : null;
    const record: AttemptRecord = { number, startMs, endMs, outcome: outcome.kind, ...exit, slot, cpuMs };
    this.#table.recordAttempt(id, record);
    const verdict = classify(task, {
      outcome,
      attempt: number,
      matchedNoChange: this.#table.matchedNoChange(id),
      durationMs: endMs - startMs,
      stopping: this.#stop.stopping,
    });
    if (verdict.kind === 'retry') this.#retryLater(id, record, verdict);
    else this.#settleAttempt(id, outcome, exit, verdict);
  }

  #retryLater(id: number, record: AttemptRecord, verdict: Extract<Verdict, { kind: 'retry' }>): void {
    this.#table.states.move(id, State.RetryWait);
    this.emit({
      type: 'task-retry',
      at: record.endMs,
      task: this.#tasks[id]!,
      attempt: record,
      reason: verdict.reason,
      retryInMs: verdict.delayMs,
    });
    this.#timers.set(id, verdict.delayMs, () => {
      if (!this.#table.states.is(id, State.RetryWait)) return;
      this.#table.states.move(id, State.Ready);
      this.#queue.push(id);
      this.#pump();
    });
  }

  #settleAttempt(id: number, outcome: Outcome, exit: Exit, verdict: Extract<Verdict, { kind: 'settle' }>): void {
    const { status } = verdict;
    const atRunLimit = outcome.kind === 'timed-out' && this.#stop.cause === 'timeout' && outcome.limitMs === this.options.timeoutMs;
    this.#settle(id, status, atRunLimit ? `stopped at the run's time limit (${formatDuration(outcome.limitMs)})` : verdict.reason, exit);
    if (succeeded(status)) {
      this.#release(id);
      return;
    }
    if (status === 'interrupted') return;
    this.#stop.failed(this.#tasks[id]!.name);
    this.#skipDependents(id, status);
    if (!this.options.keepGoing && !this.#stop.stopping) this.#beginStopping('failure');
  }

  /** A goal or an up-to-date task whose deps are done settles, without a slot. */
  #settleInstant(id: number): void {
    const reason = this.#upToDate.get(id);
    if (reason !== undefined) {
      this.#settle(id, 'up-to-date', reason);
    } else {
      this.#table.states.move(id, State.Running);
      const at = this.#now();
      this.#table.beginAttempt(id, at, null);
      this.emit({ type: 'task-start', at, task: this.#tasks[id]!, slot: null, attempt: 1 });
      this.#settle(id, 'ok', null);
    }
    this.#release(id);
  }

  /** Opens the next stage once the current one has settled; true if it did. */
  #advanceStage(): boolean {
    if (this.options.policy !== 'stages') return false;
    const open = this.#admission.openStage;
    if (open >= this.plan.stages.length - 1 || !this.#table.stageDone(open)) return false;
    this.#unpark(this.#admission.openNextStage());
    return true;
  }

  /** Starts the best ready task if it may start now (or parks it); false when none can. */
  #startNext(): boolean {
    if (this.#stop.stopping || !this.#admission.hasSlot) return false;
    const id = this.#queue.pop();
    if (id === undefined) return false;
    const blocker = this.#admission.blocker(this.#tasks[id]!);
    if (blocker === undefined) {
      this.#launch(id);
    } else if (blocker.kind === 'slots') {
      this.#queue.push(id);
      return false;
    } else {
      this.#table.states.move(id, State.Parked);
      this.#queue.park(id, blocker.key);
    }
    return true;
  }

  /** One step of the pump: handle an end, settle a slotless task, open a stage or start a task; false when there is nothing to do. */
  #step(): boolean {
    const next = this.#ended.shift();
    if (next) {
      this.#attemptEnded(next.id, next.outcome);
      return true;
    }
    if (!this.#stop.stopping && this.#queue.instantCount > 0) {
      this.#settleInstant(this.#queue.popInstant()!);
      return true;
    }
    return this.#advanceStage() || this.#startNext();
  }

  #finish(): void {
    this.#finished = true;
    const reason = this.#stop.reason();
    for (let id = 0; id < this.#tasks.length; id++) if (!this.#table.states.is(id, State.Settled)) this.#settle(id, 'cancelled', reason);
    const status = this.#stop.status();
    const at = this.#now();
    this.emit({ type: 'run-end', at, status, makespanMs: at });
    this.#resolveDone(status);
  }

  // Ends are handled together once the clock has delivered all that are due now, so that
  // a slot freed by the first of two simultaneous ends goes to the best task, not the first ready.
  #queuePump(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    this.clock.defer(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#pumping || this.#finished) return;
    this.#pumping = true;
    try {
      while (this.#step());
      const idle = this.#running.size === 0 && this.#approvals.size === 0 && this.#table.states.count(State.RetryWait) === 0;
      if (idle && (this.#stop.stopping || (this.#queue.size === 0 && this.#queue.instantCount === 0))) this.#finish();
    } finally {
      this.#pumping = false;
    }
  }
}

/** The executor's outcome, with the scheduler's reason for stopping it put first. */
function withStopReason(why: StopWhy | undefined, outcome: Outcome): Outcome {
  if (!why) return outcome;
  // Stopped is stopped, even if the process then exits 0 (a graceful SIGTERM handler does).
  const { exitCode, signal } = exitOf(outcome);
  return why.kind === 'aborted' ? { kind: 'aborted', exitCode, signal } : { kind: 'timed-out', limitMs: why.limitMs, exitCode, signal };
}

/** Starts a run of `plan`: the scheduler, started. */
export function startSchedule(plan: Plan, options: ScheduleOptions, executor: Executor, clock: Clock, emit: Sink): ScheduleHandle {
  return new Scheduler(plan, options, executor, clock, emit).start();
}
