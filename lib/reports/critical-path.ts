/** Which chain of tasks set the makespan, read off a run as it happened. */
import type { TaskReport } from './run-report.js';

/**
 * The observed critical path: from the task that ended last, walk back through what each
 * task was waiting for when it started: the dependency that ended last if it ended just
 * then, otherwise whatever ended just then (the task that freed its slot, or closed the
 * previous stage under `--schedule stages`). Goals are left out of the result.
 */
export function observedCriticalPath(tasks: readonly TaskReport[], makespanMs = 0): string[] {
  type Ran = TaskReport & { startMs: number; endMs: number };
  const ran = tasks.filter((task): task is Ran => task.startMs !== null && task.endMs !== null);
  if (ran.length === 0) return [];
  // Starting a task takes a moment after what released it ended: allow for that, but
  // never so much that it spans a good part of a typical task.
  const durations = ran
    .filter((task) => task.command)
    .map((task) => task.endMs - task.startMs)
    .sort((a, b) => a - b);
  const typical = durations[durations.length >> 1] ?? 0;
  const slack = Math.min(25 + makespanMs * 0.002, typical / 4);
  const byName = new Map(ran.map((task) => [task.name, task]));
  const byEnd = ran.filter((task) => task.command).sort((a, b) => a.endMs - b.endMs);
  /** The command task that ended last at or before `time` among those that started before `self`. */
  const endedBy = (time: number, self: Ran): Ran | undefined => {
    let low = 0;
    let high = byEnd.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (byEnd[middle]!.endMs <= time) low = middle + 1;
      else high = middle;
    }
    for (let i = low - 1; i >= 0; i--) if (byEnd[i] !== self && byEnd[i]!.startMs < self.startMs) return byEnd[i];
    return undefined;
  };
  let current: Ran | undefined = ran.reduce((last, task) => (task.endMs > last.endMs ? task : last));
  const path: Ran[] = [];
  const seen = new Set<Ran>();
  while (current && !seen.has(current)) {
    seen.add(current);
    path.push(current);
    const start: number = current.startMs;
    let dep: Ran | undefined;
    for (const name of current.deps) {
      const candidate = byName.get(name);
      if (candidate && candidate.endMs <= start + slack && (!dep || candidate.endMs > dep.endMs)) dep = candidate;
    }
    if (dep && start - dep.endMs <= slack) {
      current = dep;
      continue;
    }
    const releaser = endedBy(start + slack, current);
    current = releaser && start - releaser.endMs <= slack ? releaser : dep;
  }
  return path
    .reverse()
    .filter((task) => task.command)
    .map((task) => task.name);
}
