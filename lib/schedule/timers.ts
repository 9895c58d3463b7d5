/** At most one timer per task (its time limit while it runs, its retry delay while it waits), cancelled when it settles. */
import type { CancelTimer, Clock } from './clock.js';

export class TaskTimers {
  readonly #cancels = new Map<number, CancelTimer>();

  constructor(private readonly clock: Clock) {}

  /** Calls `fire` after `ms`, unless cancelled first. */
  set(id: number, ms: number, fire: () => void): void {
    this.#cancels.set(
      id,
      this.clock.setTimer(ms, () => {
        this.#cancels.delete(id);
        fire();
      }),
    );
  }

  cancel(id: number): void {
    this.#cancels.get(id)?.();
    this.#cancels.delete(id);
  }
}
