/**
 * What the scheduler keeps per task, by task id, in flat arrays (fast at 100,000 tasks):
 * its state, how many dependencies it still waits for, its attempts and their times, the
 * slot it runs in, and how long it waited for approval. Each stage's count of unsettled
 * tasks lives here too: the stage barrier opens when it reaches 0.
 */
import type { AttemptRecord } from '../events/events.js';
import type { Plan } from '../plan/plan.js';
import { TaskStates } from './task-state.js';

export class TaskTable {
  readonly states: TaskStates;
  readonly #waitingOn: Int32Array;
  readonly #attemptOf: Int32Array;
  readonly #firstStart: Float64Array;
  readonly #attemptStart: Float64Array;
  readonly #slotOf: Int32Array;
  readonly #matchedNoChange: Uint8Array;
  readonly #approvalWaitMs: Float64Array;
  readonly #attempts: AttemptRecord[][];
  readonly #stageLeft: number[];

  constructor(plan: Plan) {
    const count = plan.tasks.length;
    this.states = new TaskStates(count);
    this.#waitingOn = Int32Array.from(plan.tasks, (task) => task.depIds.length);
    this.#attemptOf = new Int32Array(count);
    this.#firstStart = new Float64Array(count).fill(-1);
    this.#attemptStart = new Float64Array(count);
    this.#slotOf = new Int32Array(count).fill(-1);
    this.#matchedNoChange = new Uint8Array(count);
    this.#approvalWaitMs = new Float64Array(count).fill(-1);
    this.#attempts = Array.from({ length: count }, () => []);
    this.#stageLeft = plan.stages.map((stage) => stage.length);
  }

  /** One of the task's dependencies is done; true when it was the last. */
  dependencyDone(id: number): boolean {
    return --this.#waitingOn[id]! === 0;
  }

  /** A new attempt starts at `at` in `slot` (null: a goal, settled without one); returns its number. */
  beginAttempt(id: number, at: number, slot: number | null): number {
    this.#attemptStart[id] = at;
    if (this.#firstStart[id]! < 0) this.#firstStart[id] = at;
    if (slot !== null) this.#slotOf[id] = slot;
    this.#matchedNoChange[id] = 0;
    return ++this.#attemptOf[id]!;
  }

  attemptNumber(id: number): number {
    return this.#attemptOf[id]!;
  }

  attemptStart(id: number): number {
    return this.#attemptStart[id]!;
  }

  slot(id: number): number {
    return this.#slotOf[id]!;
  }

  /** When the task's first attempt started, or null if it never did. */
  firstStart(id: number): number | null {
    const at = this.#firstStart[id]!;
    return at >= 0 ? at : null;
  }

  matchNoChange(id: number): void {
    this.#matchedNoChange[id] = 1;
  }

  matchedNoChange(id: number): boolean {
    return this.#matchedNoChange[id] === 1;
  }

  setApprovalWait(id: number, ms: number): void {
    this.#approvalWaitMs[id] = ms;
  }

  /** How long the task waited for its approval, or null if it had none to wait for. */
  approvalWait(id: number): number | null {
    const ms = this.#approvalWaitMs[id]!;
    return ms >= 0 ? ms : null;
  }

  recordAttempt(id: number, record: AttemptRecord): void {
    this.#attempts[id]!.push(record);
  }

  attempts(id: number): AttemptRecord[] {
    return this.#attempts[id]!;
  }

  lastAttempt(id: number): AttemptRecord | undefined {
    return this.#attempts[id]!.at(-1);
  }

  /** A task of `stage` settled. */
  settledIn(stage: number): void {
    this.#stageLeft[stage]!--;
  }

  /** Whether every task of `stage` has settled. */
  stageDone(stage: number): boolean {
    return this.#stageLeft[stage] === 0;
  }
}
