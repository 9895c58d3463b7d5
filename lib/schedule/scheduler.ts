/**
 * The scheduler: decides what starts when. It is pure: it touches no process, no terminal
 * and no wall clock, only an executor, a clock, an approver and an event sink, so the same
 * code runs real pipelines, simulations and the tests' fake executor.
 *
 * Its parts: each task's state machine (task-state.ts), the admission rule that says
 * whether a ready task may start now (admission.ts: slots, the stage barrier, resources),
 * and the classifier that turns an attempt's outcome into a status or a retry
 * (classify.ts). What is left here is the bookkeeping that connects them.
 *
 * Policy `dag`: a task is ready when all its deps succeeded; among ready tasks the one
 * with the longest remaining (weighted) path to the end of the graph starts first, ties
 * by declaration order. Policy `stages`: as a staged Makefile, stage k+1 starts only when
 * all of stage k has finished.
 */

import type { AttemptRecord, RunStatus, SchedulePolicy, Sink, TaskStatus } from '../events/events.js';
import { succeeded } from '../events/events.js';
import { type Executor, exitOf, type Outcome, type RunningTask, type TaskIO } from '../executors/executor.js';
import type { Signal } from '../model/model.js';
import { type Plan, type PlanTask, remainingPath } from '../plan/plan.js';
import { formatDuration } from '../util/format.js';
import { entry } from '../util/maps.js';
import { Admission } from './admission.js';
import { classify } from './classify.js';
import type { CancelTimer, Clock } from './clock.js';
import { Heap } from './heap.js';
import { State, TaskStates } from './task-state.js';

/** A person's answer to an approval gate, or why there was none. */
export type ApprovalAnswer = { readonly approved: true; readonly by: string } | { readonly approved: false; readonly reason: string };

/** Who answers approval gates: a prompt, flags, or (in simulation) nobody needs to. */
export interface Approver {
  /** `signal` aborts when the run no longer needs the answer (it was interrupted). */
  request(task: PlanTask, question: string, signal: Signal): ApprovalAnswer | Promise<ApprovalAnswer>;
}

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
}

export interface ScheduleHandle {
  /** Settles when every task has settled and `run-end` has been emitted. */
  readonly done: Promise<RunStatus>;
  /** Interrupts the run: start nothing more and stop what runs (`force`: kill now). */
  stop(force?: boolean): void;
}

const NO_APPROVER: Approver = { request: () => ({ approved: false, reason: 'no one to ask' }) };

export function startSchedule(plan: Plan, options: ScheduleOptions, executor: Executor, clock: Clock, emit: Sink): ScheduleHandle {
  const { jobs, keepGoing, weights } = options;
  const tasks = plan.tasks;
  const count = tasks.length;
  const priority = remainingPath(plan, weights);
  const states = new TaskStates(count);
  const admission = new Admission({ jobs, policy: options.policy, resources: options.resources });
  const approver = options.approver ?? NO_APPROVER;
  const upToDate = options.upToDate ?? new Map<number, string>();
  const before = (a: number, b: number) => priority[a]! > priority[b]! || (priority[a] === priority[b] && a < b);
  const ready = new Heap<number>(before);
  /** Ready tasks held back by a resource or the stage barrier, by what they wait for. */
  const parked = new Map<string, Heap<number>>();

  // Per task, by id.
  const waitingOn = new Int32Array(count);
  const attemptOf = new Int32Array(count);
  const firstStart = new Float64Array(count).fill(-1);
  const attemptStart = new Float64Array(count);
  const slotOf = new Int32Array(count).fill(-1);
  const matchedNoChange = new Uint8Array(count);
  const approvalWaitMs = new Float64Array(count).fill(-1);
  const attempts: AttemptRecord[][] = Array.from({ length: count }, () => []);
  /** Why the scheduler stopped a running attempt: it decides the outcome's kind. */
  const stoppedFor = new Map<number, { kind: 'timed-out'; limitMs: number } | { kind: 'aborted' }>();
  const timers = new Map<number, CancelTimer>();
  const approvals = new Map<number, AbortController>();
  const running = new Map<number, RunningTask>();
  const stageLeft = plan.stages.map((stage) => stage.length);

  const ended: { id: number; outcome: Outcome }[] = [];
  const instant: number[] = [];
  const freeSlots = new Heap<number>((a, b) => a < b);
  let nextSlot = 0;
  let stopCause: 'failure' | 'interrupt' | 'timeout' | undefined;
  let firstFailure: string | undefined;
  let anyFailed = false;
  let anyNeedsApproval = false;
  let pumping = false;
  let pumpQueued = false;
  let finished = false;
  let forceStop = false;

  const t0 = clock.now();
  const now = () => clock.now() - t0;
  let resolveDone!: (status: RunStatus) => void;
  const done = new Promise<RunStatus>((resolve) => {
    resolveDone = resolve;
  });

  const cancelTimer = (id: number) => {
    timers.get(id)?.();
    timers.delete(id);
  };

  const settle = (
    id: number,
    status: TaskStatus,
    reason: string | null,
    exit: { exitCode: number | null; signal: string | null } = { exitCode: null, signal: null },
  ) => {
    states.move(id, State.Settled);
    cancelTimer(id);
    if (status === 'failed' || status === 'timeout') anyFailed = true;
    if (status === 'needs-approval') anyNeedsApproval = true;
    stageLeft[tasks[id]!.stage]!--;
    emit({
      type: 'task-end',
      at: now(),
      task: tasks[id]!,
      status,
      startAt: firstStart[id]! >= 0 ? firstStart[id]! : null,
      exitCode: exit.exitCode,
      signal: exit.signal,
      reason,
      attempts: attempts[id]!,
      approvalWaitMs: approvalWaitMs[id]! >= 0 ? approvalWaitMs[id]! : null,
    });
  };

  /** Marks everything downstream of a task that did not succeed as skipped; each task is visited once. */
  const skipDependents = (id: number, status: TaskStatus) => {
    const why = status === 'needs-approval' ? 'was not approved' : status === 'timeout' ? 'timed out' : 'failed';
    const reason = `needs ${tasks[id]!.name}, which ${why}`;
    const queue = [...tasks[id]!.dependentIds];
    while (queue.length > 0) {
      const dependent = queue.pop()!;
      // Only tasks still waiting for their deps can depend on this one; others were reached already.
      if (!states.is(dependent, State.Waiting)) continue;
      settle(dependent, 'skipped', reason);
      queue.push(...tasks[dependent]!.dependentIds);
    }
  };

  /** Deps done: a goal settles at once, a gated task asks first, any other joins the ready heap. */
  const becomeReady = (id: number) => {
    const task = tasks[id]!;
    // Goals and up-to-date tasks settle at once, without a slot; queued, not recursed into, for long chains.
    if (task.run === undefined || upToDate.has(id)) {
      states.move(id, State.Ready);
      instant.push(id);
      return;
    }
    const question = task.settings.approval;
    if (question !== undefined && states.is(id, State.Waiting)) return askApproval(id, question);
    states.move(id, State.Ready);
    ready.push(id);
  };

  const askApproval = (id: number, question: string) => {
    const task = tasks[id]!;
    states.move(id, State.AwaitingApproval);
    const asked = now();
    const controller = new AbortController();
    approvals.set(id, controller);
    emit({ type: 'approval-wait', at: asked, task, question });
    const answered = (answer: ApprovalAnswer) => {
      if (!states.is(id, State.AwaitingApproval) || controller.signal.aborted) return;
      approvals.delete(id);
      approvalWaitMs[id] = now() - asked;
      emit({ type: 'approval-end', at: now(), task, approved: answer.approved, by: answer.approved ? answer.by : answer.reason });
      if (answer.approved) {
        states.move(id, State.Ready);
        ready.push(id);
      } else {
        settle(id, 'needs-approval', answer.reason);
        skipDependents(id, 'needs-approval');
      }
      queuePump();
    };
    const answer = approver.request(task, question, controller.signal);
    if (answer instanceof Promise) {
      answer.then(answered, (error: unknown) =>
        answered({ approved: false, reason: `the question could not be asked: ${(error as Error)?.message ?? error}` }),
      );
    } else {
      answered(answer);
    }
  };

  const release = (id: number) => {
    for (const dependent of tasks[id]!.dependentIds) {
      waitingOn[dependent]!--;
      if (waitingOn[dependent] === 0 && states.is(dependent, State.Waiting)) becomeReady(dependent);
    }
  };

  const park = (id: number, key: string) => {
    states.move(id, State.Parked);
    entry(parked, key, () => new Heap<number>(before)).push(id);
  };

  /** What waited for `key` (a freed resource, an opened stage) goes back to the ready heap, in priority order. */
  const unpark = (key: string) => {
    const waiting = parked.get(key);
    if (!waiting) return;
    parked.delete(key);
    for (let id = waiting.pop(); id !== undefined; id = waiting.pop()) {
      if (!states.is(id, State.Parked)) continue;
      states.move(id, State.Ready);
      ready.push(id);
    }
  };

  /**
   * Nothing new starts from now on: not a task, not a retry, not a question. A task waiting
   * to retry ends with its last attempt; a question still open is withdrawn.
   */
  const beginStopping = (cause: 'failure' | 'interrupt' | 'timeout') => {
    stopCause = cause;
    emit({ type: 'run-stopping', at: now(), cause, running: [...running.keys()].map((id) => tasks[id]!) });
    const reason = stopReason();
    for (const [id, controller] of [...approvals]) {
      controller.abort();
      approvals.delete(id);
      settle(id, 'cancelled', reason);
    }
    for (let id = 0; id < count; id++) {
      if (!states.is(id, State.RetryWait)) continue;
      const last = attempts[id]!.at(-1)!;
      if (cause === 'interrupt') {
        settle(id, 'interrupted', reason, last);
        continue;
      }
      settle(
        id,
        last.outcome === 'timed-out' ? 'timeout' : 'failed',
        `attempt ${last.number} did not succeed and ${reason}, so no retry was made`,
        last,
      );
      skipDependents(id, 'failed');
    }
  };

  const stopReason = () =>
    stopCause === 'interrupt'
      ? 'the run was interrupted'
      : stopCause === 'timeout'
        ? `the run's time limit (${formatDuration(options.timeoutMs ?? 0)}) was reached`
        : `the run stopped after ${firstFailure} failed`;

  const launch = (id: number) => {
    const task = tasks[id]!;
    const slot = freeSlots.pop() ?? nextSlot++;
    const number = ++attemptOf[id]!;
    states.move(id, State.Running);
    admission.take(task);
    slotOf[id] = slot;
    attemptStart[id] = now();
    if (firstStart[id]! < 0) firstStart[id] = attemptStart[id]!;
    matchedNoChange[id] = 0;
    emit({ type: 'task-start', at: attemptStart[id]!, task, slot, attempt: number });
    const limit = task.settings.timeout;
    if (limit !== undefined) {
      timers.set(
        id,
        clock.setTimer(limit, () => {
          timers.delete(id);
          stopAttempt(id, { kind: 'timed-out', limitMs: limit }, false);
        }),
      );
    }
    let open = true;
    const pattern = task.settings.noChange;
    const io: TaskIO = {
      output(stream, line) {
        if (finished) return;
        if (open && pattern && matchedNoChange[id] === 0 && pattern.test(line)) matchedNoChange[id] = 1;
        emit({ type: 'task-output', at: now(), task, stream, line });
      },
      end(outcome) {
        if (!open) return;
        open = false;
        ended.push({ id, outcome });
        queuePump();
      },
    };
    // Registered before start() so that an executor ending the task synchronously is handled.
    running.set(id, { stop: () => {} });
    try {
      const handle = executor.start({ task, number, hash: options.hashes?.[id] }, io);
      if (open) running.set(id, handle);
      if (open && (stopCause === 'interrupt' || stopCause === 'timeout'))
        stopAttempt(id, stopCause === 'interrupt' ? { kind: 'aborted' } : runLimit(), forceStop);
    } catch (error) {
      io.end({ kind: 'could-not-start', reason: `could not start: ${(error as Error)?.message ?? String(error)}` });
    }
  };

  const runLimit = () => ({ kind: 'timed-out' as const, limitMs: options.timeoutMs ?? 0 });

  /** Stops a running attempt; `why` decides what its outcome is said to be, whatever the process then does. */
  const stopAttempt = (id: number, why: { kind: 'timed-out'; limitMs: number } | { kind: 'aborted' }, force: boolean) => {
    const handle = running.get(id);
    if (!handle) return;
    if (!stoppedFor.has(id)) stoppedFor.set(id, why);
    handle.stop(force);
  };

  /** The executor's outcome, with the scheduler's reason for stopping it put first. */
  const finalOutcome = (id: number, outcome: Outcome): Outcome => {
    const why = stoppedFor.get(id);
    stoppedFor.delete(id);
    if (!why) return outcome;
    // Stopped is stopped, even if the process then exits 0 (a graceful SIGTERM handler does).
    const { exitCode, signal } = exitOf(outcome);
    return why.kind === 'aborted' ? { kind: 'aborted', exitCode, signal } : { kind: 'timed-out', limitMs: why.limitMs, exitCode, signal };
  };

  const attemptEnded = (id: number, raw: Outcome) => {
    const task = tasks[id]!;
    cancelTimer(id);
    running.delete(id);
    freeSlots.push(slotOf[id]!);
    for (const key of admission.release(task)) unpark(key);
    const outcome = finalOutcome(id, raw);
    const endMs = now();
    const exit = exitOf(outcome);
    const record: AttemptRecord = {
      number: attemptOf[id]!,
      startMs: attemptStart[id]!,
      endMs,
      outcome: outcome.kind,
      ...exit,
      slot: slotOf[id]!,
    };
    attempts[id]!.push(record);
    const verdict = classify(task, {
      outcome,
      attempt: attemptOf[id]!,
      matchedNoChange: matchedNoChange[id] === 1,
      durationMs: endMs - attemptStart[id]!,
      stopping: stopCause !== undefined,
    });
    if (verdict.kind === 'retry') {
      states.move(id, State.RetryWait);
      emit({ type: 'task-retry', at: endMs, task, attempt: record, reason: verdict.reason, retryInMs: verdict.delayMs });
      timers.set(
        id,
        clock.setTimer(verdict.delayMs, () => {
          timers.delete(id);
          if (!states.is(id, State.RetryWait)) return;
          states.move(id, State.Ready);
          ready.push(id);
          pump();
        }),
      );
      return;
    }
    const { status } = verdict;
    const atRunLimit = outcome.kind === 'timed-out' && stopCause === 'timeout' && outcome.limitMs === options.timeoutMs;
    settle(id, status, atRunLimit ? `stopped at the run's time limit (${formatDuration(outcome.limitMs)})` : verdict.reason, exit);
    if (succeeded(status)) {
      release(id);
      return;
    }
    if (status === 'interrupted') return;
    firstFailure ??= task.name;
    skipDependents(id, status);
    if (!keepGoing && !stopCause) beginStopping('failure');
  };

  /** Opens the next stage once the current one has settled; true if it did. */
  const advanceStage = (): boolean => {
    if (options.policy !== 'stages') return false;
    const open = admission.openStage;
    if (open >= plan.stages.length - 1 || stageLeft[open] !== 0) return false;
    unpark(admission.openNextStage());
    return true;
  };

  const finish = () => {
    finished = true;
    const reason = stopReason();
    for (let id = 0; id < count; id++) if (!states.is(id, State.Settled)) settle(id, 'cancelled', reason);
    const status: RunStatus =
      stopCause === 'interrupt'
        ? 'interrupted'
        : anyFailed || stopCause === 'timeout'
          ? 'failed'
          : anyNeedsApproval
            ? 'needs-approval'
            : 'ok';
    const at = now();
    emit({ type: 'run-end', at, status, makespanMs: at });
    resolveDone(status);
  };

  // Ends are handled together once the clock has delivered all that are due now, so that
  // a slot freed by the first of two simultaneous ends goes to the best task, not the first ready.
  function queuePump(): void {
    if (pumpQueued) return;
    pumpQueued = true;
    clock.defer(() => {
      pumpQueued = false;
      pump();
    });
  }

  function pump(): void {
    if (pumping || finished) return;
    pumping = true;
    try {
      for (;;) {
        const next = ended.shift();
        if (next) {
          attemptEnded(next.id, next.outcome);
          continue;
        }
        if (!stopCause && instant.length > 0) {
          const id = instant.pop()!;
          const reason = upToDate.get(id);
          if (reason !== undefined) {
            settle(id, 'up-to-date', reason);
          } else {
            states.move(id, State.Running);
            firstStart[id] = now();
            emit({ type: 'task-start', at: firstStart[id]!, task: tasks[id]!, slot: null, attempt: 1 });
            settle(id, 'ok', null);
          }
          release(id);
          continue;
        }
        if (advanceStage()) continue;
        if (!stopCause && admission.hasSlot && ready.size > 0) {
          const id = ready.pop()!;
          const blocker = admission.blocker(tasks[id]!);
          if (blocker === undefined) launch(id);
          else if (blocker.kind === 'slots') ready.push(id);
          else park(id, blocker.key);
          continue;
        }
        break;
      }
      const idle = running.size === 0 && approvals.size === 0 && states.count(State.RetryWait) === 0;
      if (idle && (stopCause !== undefined || (ready.size === 0 && instant.length === 0))) finish();
    } finally {
      pumping = false;
    }
  }

  emit({
    type: 'run-start',
    at: 0,
    runId: options.runId,
    plan,
    jobs,
    schedule: options.policy,
    keepGoing,
    startedAt: options.startedAt,
    simulated: options.simulated,
    expectedMs: weights,
    timeoutMs: options.timeoutMs ?? null,
    warnings: options.warnings ?? [],
  });
  if (options.interrupted) beginStopping('interrupt');
  for (const task of tasks) {
    waitingOn[task.id] = task.depIds.length;
    if (task.depIds.length === 0 && !stopCause) becomeReady(task.id);
  }
  if (options.timeoutMs !== undefined && !stopCause) {
    clock.setTimer(options.timeoutMs, () => {
      if (finished || stopCause === 'interrupt') return;
      if (stopCause !== 'timeout') beginStopping('timeout');
      for (const id of [...running.keys()]) stopAttempt(id, runLimit(), false);
      pump();
    });
  }
  pump();

  return {
    done,
    stop(force = false) {
      if (finished) return;
      forceStop ||= force;
      if (stopCause !== 'interrupt') beginStopping('interrupt');
      for (const id of [...running.keys()]) stopAttempt(id, { kind: 'aborted' }, forceStop);
      pump();
    },
  };
}
