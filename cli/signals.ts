/**
 * Ctrl-C and friends. Tasks run in their own process groups, so the terminal's SIGINT
 * reaches only stagerun: the first signal stops the run gracefully (SIGTERM to each
 * task's group, SIGKILL after the grace period), a second one kills at once.
 */
import type { RunHandle } from '../lib/run.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Returns a function that removes the handlers. */
export function interruptOnSignals(handle: Pick<RunHandle, 'stop'>): () => void {
  let count = 0;
  const onSignal = () => {
    count++;
    handle.stop(count > 1);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
