/**
 * Time for the scheduler. The real clock reads `performance.now()`; the virtual clock
 * jumps from timer to timer, so a simulation of a 10-minute pipeline takes microseconds
 * and the tests get exact, repeatable times.
 */
import { Heap } from './heap.js';

export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  /** Calls `callback` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, callback: () => void): CancelTimer;
  /**
   * Calls `callback` once what is due now has happened: the scheduler uses it to see
   * every task that ends at the same moment before it starts anything new.
   */
  defer(callback: () => void): void;
}

/** The longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, callback) {
    // A limit of weeks is honoured in steps: each step at most MAX_TIMER_MS, the next set when it fires.
    let timer: NodeJS.Timeout;
    const arm = (left: number) => {
      timer = setTimeout(left > MAX_TIMER_MS ? () => arm(left - MAX_TIMER_MS) : callback, Math.min(left, MAX_TIMER_MS));
    };
    arm(ms);
    return () => clearTimeout(timer);
  },
  defer(callback) {
    setImmediate(callback);
  },
};

interface Timer {
  at: number;
  /** Insertion order: timers due at the same time fire first-in, first-out. */
  seq: number;
  callback: (() => void) | undefined;
}

export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Heap<Timer>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, callback: () => void): CancelTimer {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.push(timer);
    return () => {
      timer.callback = undefined;
    };
  }

  /** Runs after the timers already due at this moment. */
  defer(callback: () => void): void {
    this.setTimer(0, callback);
  }

  /** Fires the next due timer, moving time forward to it. False when none is left. */
  step(): boolean {
    for (;;) {
      const timer = this.#timers.pop();
      if (!timer) return false;
      if (!timer.callback) continue;
      this.#now = timer.at;
      timer.callback();
      return true;
    }
  }

  /** Fires timers until none is left. */
  runAll(): void {
    while (this.step()) {
      // each step moves time forward
    }
  }
}
