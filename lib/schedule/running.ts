/**
 * The attempts running now: the executor's handle for each, the slots they hold (a freed
 * slot is reused, lowest first, so that a Gantt chart's lanes stay few), and why the
 * scheduler stopped an attempt, if it did: that, not what the process then did, decides
 * the attempt's outcome.
 */
import type { RunningTask } from '../executors/executor.js';
import { Heap } from './heap.js';

/** Why the scheduler stopped a running attempt. */
export type StopWhy = { readonly kind: 'timed-out'; readonly limitMs: number } | { readonly kind: 'aborted' };

/** A handle for an attempt whose executor has not answered yet: a stop then has nothing to reach. */
const STARTING: RunningTask = { stop() {} };

export class RunningAttempts {
  readonly #handles = new Map<number, RunningTask>();
  readonly #stoppedFor = new Map<number, StopWhy>();
  readonly #freeSlots = new Heap<number>((a, b) => a < b);
  #nextSlot = 0;

  get size(): number {
    return this.#handles.size;
  }

  /** The running tasks' ids, in the order they started. */
  ids(): number[] {
    return [...this.#handles.keys()];
  }

  has(id: number): boolean {
    return this.#handles.has(id);
  }

  /** The lowest free slot, now taken. */
  takeSlot(): number {
    return this.#freeSlots.pop() ?? this.#nextSlot++;
  }

  /** `id` is starting: registered before the executor is called, so that an attempt that ends at once is known. */
  starting(id: number): void {
    this.#handles.set(id, STARTING);
  }

  /** The executor's handle for `id`'s attempt (not given for an attempt that ended while it started). */
  started(id: number, handle: RunningTask): void {
    this.#handles.set(id, handle);
  }

  /** Asks the attempt to stop; the first reason given is the one that counts. */
  stop(id: number, why: StopWhy, force: boolean): void {
    const handle = this.#handles.get(id);
    if (!handle) return;
    if (!this.#stoppedFor.has(id)) this.#stoppedFor.set(id, why);
    handle.stop(force);
  }

  /** The attempt ended: its slot is free; returns why the scheduler had stopped it, if it had. */
  ended(id: number, slot: number): StopWhy | undefined {
    this.#handles.delete(id);
    this.#freeSlots.push(slot);
    const why = this.#stoppedFor.get(id);
    this.#stoppedFor.delete(id);
    return why;
  }
}
