/**
 * Ctrl-C and friends. Tasks run in their own process groups, so the terminal's SIGINT
 * reaches only stagerun: the first signal stops the run gracefully (SIGTERM to each
 * task's group, SIGKILL after the grace period), a second one kills at once.
 *
 * The handlers are installed before anything is loaded or started, so that a signal that
 * arrives while the deployfile loads, or while a function task blocks the event loop, is
 * never met by the default action (which would end stagerun and orphan its tasks).
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
  /** Removes the handlers. */
  release(): void;
}

export function listenForInterrupts(source: SignalSource): Interrupts {
  let count = 0;
  let target: Stoppable | undefined;
  const controller = new AbortController();
  const onSignal = () => {
    count++;
    controller.abort();
    target?.stop(count > 1);
  };
  for (const signal of SIGNALS) source.on(signal, onSignal);
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
    release() {
      for (const signal of SIGNALS) source.off(signal, onSignal);
    },
  };
}
