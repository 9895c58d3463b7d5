/**
 * Resuming a run: the latest recorded run of the same targets, and which of its tasks need
 * not run again: those that succeeded there and whose key, where they have one, is the one
 * they had (an up-to-date verdict says so). What failed, was cancelled, skipped or
 * interrupted runs again, and so does whatever needs it.
 */
import { succeeded } from '../events/events.js';
import type { Freshness } from '../keys/freshness.js';
import type { Plan } from '../plan/plan.js';
import type { RunReport } from '../reports/run-report.js';

export interface Resumed {
  /** The run resumed. */
  readonly run: RunReport;
  /** Tasks kept from it (not run again), by name, with why. */
  readonly kept: ReadonlyMap<string, string>;
}

const sameTargets = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((target, i) => target === b[i]);

/** The latest real run of `plan`'s targets among `runs` (oldest first), and what of it is kept; undefined when there is none. */
export function resumeFrom(plan: Plan, runs: readonly RunReport[], freshness: Freshness | undefined): Resumed | undefined {
  const run = runs.findLast((each) => !each.simulated && sameTargets(each.targets, plan.requested));
  if (!run) return undefined;
  const kept = new Map<string, string>();
  for (const task of run.tasks) {
    const planned = plan.byName.get(task.name);
    if (!planned || planned.run === undefined || !succeeded(task.status)) continue;
    const key = freshness?.keys.get(task.name);
    // A task with a key is kept only while it is up to date: its inputs, command and deps are those it succeeded with.
    if (key?.cacheable && !freshness?.verdicts.get(task.name)?.upToDate) continue;
    kept.set(task.name, `it ${task.status === 'ok' ? 'succeeded' : `ended ${task.status}`} in run ${run.id}, which this run resumes`);
  }
  return { run, kept };
}
