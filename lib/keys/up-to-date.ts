/**
 * Skipping what did not change, for one run: the keys recorded beside the deployfile are
 * read, each planned task's key is computed, and a sink records the new keys when the run
 * ends. The CLI and `run({ upToDate: true })` both come through here.
 */
import type { Sink } from '../events/events.js';
import type { Signal } from '../model/model.js';
import type { Plan } from '../plan/plan.js';
import { describeWriteError } from '../util/write-error.js';
import { checkFreshness, type Freshness, forcedTasks, usesInputs } from './freshness.js';
import { keyRecorder, keysFile, readKeys } from './key-store.js';

export interface UpToDateOptions {
  /** The environment tasks start from (for `inputsEnv`). */
  env: Readonly<Record<string, string | undefined>>;
  /** `true`: run everything; names: run these tasks (or services' tasks) and what depends on them. */
  force?: true | readonly string[];
  /** Told of a keys file that cannot be read or written; the run goes on. */
  onWarning?: (reason: string) => void;
  /** Aborting it stops the hashing (an interrupt): the promise rejects with an AbortError. */
  signal?: Signal;
}

/** Which planned tasks are up to date, or undefined when none declares inputs (there are no keys). */
export async function readFreshness(plan: Plan, deployfile: string, options: UpToDateOptions): Promise<Freshness | undefined> {
  if (!usesInputs(plan)) {
    // Everything runs anyway; a mistyped --force name is still a mistake to say.
    forcedTasks(plan, options.force);
    return undefined;
  }
  const recorded = readKeys(keysFile(deployfile), options.onWarning);
  const freshness = await checkFreshness(plan, {
    env: options.env,
    recorded,
    force: options.force,
    now: Date.now(),
    signal: options.signal,
  });
  // Said on every run, until the deployfile is fixed: a typo'd pattern would otherwise keep a task up to date forever.
  for (const warning of freshness.warnings) options.onWarning?.(warning);
  return freshness;
}

/** Records, when the run ends, the keys of the tasks that succeeded, and forgets those that failed. */
export function recordFreshness(deployfile: string, freshness: Freshness, onWarning?: (reason: string) => void): Sink {
  const file = keysFile(deployfile);
  return keyRecorder(file, freshness.keys, (error) =>
    onWarning?.(`the tasks' keys were not recorded in ${file}: ${describeWriteError(error, file)}`),
  );
}
