/**
 * Processor sharing, the simulator's model of CPU contention. A running attempt has work
 * (its uncontended duration, ms) and a CPU share `c` (CPU time / wall time when it ran
 * alone: 1 for a busy loop, near 0 for `sleep` or a network call, above 1 for a tool that
 * uses several threads). While the running attempts together need no more cores than the
 * machine has, each progresses at its own pace. When they need more (demand D > cores),
 * the CPU part of each is stretched by D / cores and the waiting part is not, so an
 * attempt progresses at rate 1 / ((1 − c) + c · D / cores).
 *
 * Memory, disk and network contention are not modelled. Time is the caller's virtual clock;
 * whenever the set of running attempts changes, every one's progress is brought up to date
 * and its end time recomputed (O(running) per start or end).
 */
import type { CancelTimer, Clock } from '../schedule/clock.js';

interface Sharer {
  /** Uncontended work left, ms. */
  remaining: number;
  share: number;
  rate: number;
  cancel: CancelTimer | undefined;
  done: () => void;
}

/** The rate at which an attempt of CPU share `share` progresses when the running ones need `demand` cores. */
export function shareRate(share: number, demand: number, cores: number): number {
  if (demand <= cores || share <= 0) return 1;
  // A share above 1 (several threads) contends with all of it but has no waiting part.
  const c = Math.min(share, 1);
  return 1 / (1 - c + (c * demand) / cores);
}

export class CoreSharing {
  readonly #running = new Set<Sharer>();
  #demand = 0;
  #since = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'setTimer'>,
    /** The cores of the machine predicted for (at least 1). */
    readonly cores: number,
  ) {}

  /** Cores the running attempts need together. */
  get demand(): number {
    return this.#demand;
  }

  /** Starts work of `workMs` uncontended ms at CPU share `share`; `done` is called when it is finished. Returns a canceller. */
  start(workMs: number, share: number, done: () => void): () => void {
    this.#advance();
    const sharer: Sharer = { remaining: Math.max(0, workMs), share: Math.max(0, share), rate: 1, cancel: undefined, done };
    this.#running.add(sharer);
    this.#demand += sharer.share;
    this.#reschedule();
    return () => this.#remove(sharer);
  }

  #remove(sharer: Sharer): void {
    if (!this.#running.has(sharer)) return;
    this.#advance();
    sharer.cancel?.();
    this.#running.delete(sharer);
    this.#demand = this.#running.size === 0 ? 0 : this.#demand - sharer.share;
    this.#reschedule();
  }

  /** Brings every running attempt's remaining work up to now, at the rates it had. */
  #advance(): void {
    const now = this.clock.now();
    const elapsed = now - this.#since;
    this.#since = now;
    if (elapsed <= 0) return;
    for (const sharer of this.#running) sharer.remaining = Math.max(0, sharer.remaining - elapsed * sharer.rate);
  }

  #reschedule(): void {
    for (const sharer of this.#running) {
      const rate = shareRate(sharer.share, this.#demand, this.cores);
      if (sharer.cancel !== undefined && rate === sharer.rate) continue;
      sharer.rate = rate;
      sharer.cancel?.();
      sharer.cancel = this.clock.setTimer(sharer.remaining / rate, () => {
        sharer.cancel = undefined;
        this.#remove(sharer);
        sharer.done();
      });
    }
  }
}
