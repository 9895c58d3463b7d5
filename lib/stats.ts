/** Figures from history: expected durations, percentiles, success rates. */
import { entry } from './maps.js';
import type { RunReport } from './report/json.js';

/** Nearest-rank percentile of an ascending array (q in 0..1); NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Each task's expected duration: the median over the last `lastRuns` runs in which it
 * succeeded (newest first). Tasks that never succeeded are absent.
 */
export function expectedDurations(runs: readonly RunReport[], lastRuns = 10): Map<string, number> {
  const samples = new Map<string, number[]>();
  for (let i = runs.length - 1; i >= 0; i--) {
    for (const task of runs[i]!.tasks) {
      if (task.status !== 'ok' || task.durationMs === null || !task.command) continue;
      const list = entry(samples, task.name, (): number[] => []);
      if (list.length < lastRuns) list.push(task.durationMs);
    }
  }
  return new Map([...samples].map(([name, list]) => [name, median(list)]));
}

export interface TaskStats {
  name: string;
  /** Runs in which the task started. */
  runs: number;
  /** Share of those that ended ok, 0..1. */
  successRate: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Per-task figures over the given runs, slowest (by p50) first. */
export function taskStats(runs: readonly RunReport[]): TaskStats[] {
  const byName = new Map<string, { durations: number[]; started: number; ok: number }>();
  for (const run of runs) {
    for (const task of run.tasks) {
      if (!task.command || task.startMs === null) continue;
      const counts = entry(byName, task.name, () => ({ durations: [] as number[], started: 0, ok: 0 }));
      counts.started++;
      if (task.status === 'ok') {
        counts.ok++;
        if (task.durationMs !== null) counts.durations.push(task.durationMs);
      }
    }
  }
  const stats = [...byName].map(([name, entry]) => {
    const sorted = entry.durations.sort((a, b) => a - b);
    return {
      name,
      runs: entry.started,
      successRate: entry.ok / entry.started,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    };
  });
  return stats.sort((a, b) => (Number.isNaN(b.p50Ms) ? -1 : Number.isNaN(a.p50Ms) ? 1 : b.p50Ms - a.p50Ms));
}
