/**
 * Ctrl-C and friends. Tasks run in their own process groups, so the terminal's SIGINT
 * reaches only stagerun: the first signal stops the run gracefully (SIGTERM to each
 * task's group, SIGKILL after the grace period), a second one kills at once.
 *
 * The handlers are installed (`arm()`) once the deployfile has loaded and before anything
 * is started: while it loads, nothing of the run exists yet, and the default action ends
 * stagerun even if the deployfile's code never lets go of the event loop (`while (true)`
 * at import, which no handler could interrupt). From then on, a signal that arrives while a
 * function task blocks the event loop is handled as soon as the loop turns, never met by
 * the default action (which would orphan the tasks).
 */
import type { InterruptSignal, SignalSource } from './io.js';

const SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface Stoppable {
  stop(force: boolean): void;
}

export interface Interrupts {
  /** How many interrupts have arrived so far. */
  readonly count: number;
  /** Aborted at the first interrupt: pass it to what should not start once one arrived. */
  readonly signal: AbortSignal;
  /** Interrupts now go to `target` (one that already arrived is replayed). */
  attach(target: Stoppable): void;
  detach(): void;
  /** Installs the handlers: from now on interrupts are this object's (idempotent). */
  arm(): void;
  /** Removes the handlers. */
  release(): void;
  /**
   * For a run with function tasks: have the source's loop guard end stagerun when, after an
   * interrupt, the event loop stays blocked for `graceMs`. Ends at release.
   */
  guardLoop(graceMs: number): void;
}

/** A run of these tasks can block the event loop (a function task's synchronous work), and so needs the loop guard. */
export function hasFunctionTasks(plan: { tasks: readonly { run?: unknown }[] }): boolean {
  return plan.tasks.some((task) => typeof task.run === 'function');
}

export function listenForInterrupts(source: SignalSource): Interrupts {
  let count = 0;
  let target: Stoppable | undefined;
  const controller = new AbortController();
  let guard: Promise<{ end(): void }> | undefined;
  const standDown = () =>
    void guard?.then(
      (started) => started.end(),
      () => {},
    );
  const onSignal = () => {
    count++;
    controller.abort();
    target?.stop(count > 1);
  };
  let armed = false;
  return {
    get count() {
      return count;
    },
    signal: controller.signal,
    attach(next) {
      target = next;
      if (count > 0) next.stop(count > 1);
    },
    detach() {
      target = undefined;
    },
    arm() {
      if (armed) return;
      armed = true;
      for (const signal of SIGNALS) source.on(signal, onSignal);
    },
    release() {
      if (armed) for (const signal of SIGNALS) source.off(signal, onSignal);
      armed = false;
      standDown();
    },
    guardLoop(graceMs) {
      guard ??= source.guardLoop?.(graceMs);
    },
  };
}
