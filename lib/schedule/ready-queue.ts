/**
 * The tasks that may start, best first. Priority is the longest remaining (weighted) path
 * to the end of the graph, ties by declaration order. A ready task held back by a resource
 * or the stage barrier is parked under what it waits for, so that it does not hold back the
 * tasks behind it; and goals and up-to-date tasks, which settle without a slot, wait in a
 * list of their own (taken last-in first-out, so that a long chain of them is not recursed into).
 */
import { Heap } from './heap.js';

export class ReadyQueue {
  readonly #before: (a: number, b: number) => boolean;
  readonly #ready: Heap<number>;
  readonly #parked = new Map<string, Heap<number>>();
  readonly #instant: number[] = [];

  /** `priority[id]`: higher starts first. */
  constructor(priority: Float64Array) {
    this.#before = (a, b) => priority[a]! > priority[b]! || (priority[a] === priority[b] && a < b);
    this.#ready = new Heap<number>(this.#before);
  }

  get size(): number {
    return this.#ready.size;
  }

  push(id: number): void {
    this.#ready.push(id);
  }

  /** The best ready task, taken out; undefined when none is ready. */
  pop(): number | undefined {
    return this.#ready.pop();
  }

  /** Holds `id` back until `key` (a resource, a stage) is freed. */
  park(id: number, key: string): void {
    let waiting = this.#parked.get(key);
    if (!waiting) {
      waiting = new Heap<number>(this.#before);
      this.#parked.set(key, waiting);
    }
    waiting.push(id);
  }

  /** What was parked under `key`, best first, no longer parked. */
  unpark(key: string): number[] {
    const waiting = this.#parked.get(key);
    if (!waiting) return [];
    this.#parked.delete(key);
    const ids: number[] = [];
    for (let id = waiting.pop(); id !== undefined; id = waiting.pop()) ids.push(id);
    return ids;
  }

  /** A task that settles without a slot (a goal, an up-to-date task). */
  pushInstant(id: number): void {
    this.#instant.push(id);
  }

  popInstant(): number | undefined {
    return this.#instant.pop();
  }

  get instantCount(): number {
    return this.#instant.length;
  }
}
