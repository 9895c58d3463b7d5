/**
 * The scheduler: decides what starts when. It is pure: it touches no process and no
 * terminal, only an executor, a clock and an event sink, so the same code runs real
 * pipelines, simulations and the tests' fake executor.
 *
 * Policy `dag`: a task is ready when all its deps succeeded; among ready tasks the one
 * with the longest remaining (weighted) path to the end of the graph starts first, ties
 * by declaration order. Policy `stages`: as a staged Makefile, stage k+1 starts only when
 * all of stage k has finished.
 */
import type { Clock } from './clock.js';
import type { RunStatus, SchedulePolicy, Sink, TaskStatus } from './events.js';
import { Heap } from './heap.js';
import type { OutputStream } from './model.js';
import { type Plan, type PlanTask, remainingPath } from './plan.js';
import { newRunId } from './report/json.js';

/** How a task's execution ended, as the executor saw it. Success is exit code 0 and no error. */
export interface Outcome {
  readonly exitCode: number | null;
  readonly signal?: string | null;
  /** Set when the task could not start, threw, or was killed; a short explanation. */
  readonly error?: string | null;
}

/**
 * What the scheduler hands an executor for one task. A second `end` is ignored; output
 * after `end` (from children the task left running) is still shown under its name.
 */
export interface TaskIO {
  output(stream: OutputStream, line: string): void;
  end(outcome: Outcome): void;
}

export interface RunningTask {
  /** Asks the task to stop; `force` kills it at once instead of after a grace period. */
  stop(force: boolean): void;
}

export interface Executor {
  start(task: PlanTask, io: TaskIO): RunningTask;
  /** Called once the run has ended: ends whatever tasks left behind. */
  close?(): Promise<void>;
}

export interface ScheduleOptions {
  jobs: number;
  policy: SchedulePolicy;
  keepGoing: boolean;
  /** Expected duration of each task (by id) in ms: the priority weights. */
  weights: Float64Array;
  /** Wall-clock start for the run-start event; defaults to now. */
  startedAt?: string;
  /** Defaults to one made from the start time. */
  runId?: string;
  simulated?: boolean;
  /** Already interrupted: nothing starts, and every task ends `cancelled`. */
  interrupted?: boolean;
}

export interface ScheduleHandle {
  /** Settles when every task has settled and `run-end` has been emitted. */
  readonly done: Promise<RunStatus>;
  /** Interrupts the run: start nothing more and stop what runs (`force`: kill now). */
  stop(force?: boolean): void;
}

const PENDING = 0;
const READY = 1;
const RUNNING = 2;
const SETTLED = 3;

export function startSchedule(plan: Plan, options: ScheduleOptions, executor: Executor, clock: Clock, emit: Sink): ScheduleHandle {
  const { jobs, policy, keepGoing, weights } = options;
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive integer, got ${jobs}`);
  const tasks = plan.tasks;
  const count = tasks.length;
  const priority = remainingPath(plan, weights);
  const state = new Uint8Array(count);
  const waitingOn = new Int32Array(count);
  const startAt = new Float64Array(count).fill(-1);
  const slotOf = new Int32Array(count).fill(-1);
  const stageLeft = plan.stages.map((stage) => stage.length);
  const ready = new Heap<number>((a, b) => priority[a]! > priority[b]! || (priority[a] === priority[b] && a < b));
  const freeSlots = new Heap<number>((a, b) => a < b);
  let nextSlot = 0;
  const running = new Map<number, RunningTask>();
  const ended: { id: number; outcome: Outcome }[] = [];
  const instant: number[] = [];
  let stopCause: 'failure' | 'interrupt' | undefined;
  let failedName: string | undefined;
  let currentStage = 0;
  let pumping = false;
  let pumpQueued = false;
  let finished = false;
  let anyNotOk = false;
  let forceStop = false;

  const t0 = clock.now();
  const now = () => clock.now() - t0;
  let resolveDone!: (status: RunStatus) => void;
  const done = new Promise<RunStatus>((resolve) => {
    resolveDone = resolve;
  });

  const settle = (
    id: number,
    status: TaskStatus,
    fields: { exitCode?: number | null; signal?: string | null; reason?: string | null } = {},
  ) => {
    state[id] = SETTLED;
    if (status !== 'ok') anyNotOk = true;
    stageLeft[tasks[id]!.stage]!--;
    emit({
      type: 'task-end',
      at: now(),
      task: tasks[id]!,
      status,
      startAt: startAt[id]! >= 0 ? startAt[id]! : null,
      exitCode: fields.exitCode ?? null,
      signal: fields.signal ?? null,
      reason: fields.reason ?? null,
    });
  };

  const makeReady = (id: number) => {
    state[id] = READY;
    if (tasks[id]!.run === undefined) instant.push(id);
    else ready.push(id);
  };

  const eligible = (id: number) => state[id] === PENDING && waitingOn[id] === 0 && (policy === 'dag' || tasks[id]!.stage <= currentStage);

  const release = (id: number) => {
    for (const dependent of tasks[id]!.dependentIds) {
      waitingOn[dependent]!--;
      if (eligible(dependent)) makeReady(dependent);
    }
  };

  /** Marks everything downstream of a failed task as skipped; each task is visited once. */
  const skipDependents = (id: number) => {
    const reason = `needs ${tasks[id]!.name}, which failed`;
    const queue = [...tasks[id]!.dependentIds];
    while (queue.length > 0) {
      const dependent = queue.pop()!;
      if (state[dependent] === SETTLED || state[dependent] === RUNNING) continue;
      settle(dependent, 'skipped', { reason });
      queue.push(...tasks[dependent]!.dependentIds);
    }
  };

  const beginStopping = (cause: 'failure' | 'interrupt') => {
    stopCause = cause;
    emit({ type: 'run-stopping', at: now(), cause, running: [...running.keys()].map((id) => tasks[id]!) });
  };

  const launch = (id: number) => {
    const task = tasks[id]!;
    const slot = freeSlots.pop() ?? nextSlot++;
    state[id] = RUNNING;
    slotOf[id] = slot;
    startAt[id] = now();
    emit({ type: 'task-start', at: startAt[id]!, task, slot });
    let open = true;
    const io: TaskIO = {
      output(stream, line) {
        if (!finished) emit({ type: 'task-output', at: now(), task, stream, line });
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
      const handle = executor.start(task, io);
      if (open) running.set(id, handle);
      if (open && stopCause === 'interrupt') handle.stop(forceStop);
    } catch (error) {
      io.end({ exitCode: null, error: `could not start: ${(error as Error)?.message ?? String(error)}` });
    }
  };

  const finishRun = (id: number, outcome: Outcome) => {
    running.delete(id);
    freeSlots.push(slotOf[id]!);
    const ok = outcome.exitCode === 0 && !outcome.error;
    const details = { exitCode: outcome.exitCode, signal: outcome.signal ?? null, reason: outcome.error ?? null };
    if (ok) {
      settle(id, 'ok', details);
      release(id);
    } else if (stopCause === 'interrupt') {
      settle(id, 'interrupted', details);
    } else {
      settle(id, 'failed', details);
      failedName ??= tasks[id]!.name;
      skipDependents(id);
      if (!keepGoing && !stopCause) beginStopping('failure');
    }
  };

  /** Opens the next stage once the current one has settled; true if it did. */
  const advanceStage = (): boolean => {
    if (policy !== 'stages' || currentStage >= plan.stages.length - 1 || stageLeft[currentStage] !== 0) return false;
    currentStage++;
    for (const task of plan.stages[currentStage]!) if (eligible(task.id)) makeReady(task.id);
    return true;
  };

  const finish = () => {
    finished = true;
    const reason = stopCause === 'interrupt' ? 'the run was interrupted' : `the run stopped after ${failedName} failed`;
    for (let id = 0; id < count; id++) {
      if (state[id] !== SETTLED) settle(id, 'cancelled', { reason });
    }
    const status: RunStatus = stopCause === 'interrupt' ? 'interrupted' : anyNotOk ? 'failed' : 'ok';
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
          finishRun(next.id, next.outcome);
          continue;
        }
        if (!stopCause && instant.length > 0) {
          const goal = instant.pop()!;
          startAt[goal] = now();
          emit({ type: 'task-start', at: startAt[goal]!, task: tasks[goal]!, slot: null });
          settle(goal, 'ok');
          release(goal);
          continue;
        }
        if (advanceStage()) continue;
        if (!stopCause && running.size < jobs && ready.size > 0) {
          launch(ready.pop()!);
          continue;
        }
        break;
      }
      if (running.size === 0 && (stopCause !== undefined || (ready.size === 0 && instant.length === 0))) finish();
    } finally {
      pumping = false;
    }
  }

  const startedAt = options.startedAt ?? new Date().toISOString();
  emit({
    type: 'run-start',
    at: 0,
    runId: options.runId ?? newRunId(startedAt),
    plan,
    jobs,
    schedule: policy,
    keepGoing,
    startedAt,
    simulated: options.simulated ?? false,
    expectedMs: weights,
  });
  if (options.interrupted) beginStopping('interrupt');
  for (const task of tasks) {
    waitingOn[task.id] = task.depIds.length;
    if (eligible(task.id)) makeReady(task.id);
  }
  pump();

  return {
    done,
    stop(force = false) {
      if (finished) return;
      forceStop ||= force;
      if (stopCause !== 'interrupt') beginStopping('interrupt');
      for (const handle of running.values()) handle.stop(forceStop);
      pump();
    },
  };
}
