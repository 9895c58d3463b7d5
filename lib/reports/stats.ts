/** Figures from history: expected durations, percentiles, success rates. */
import { entry } from '../util/maps.js';
import type { RunReport } from './run-report.js';

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

/** Successful runs of a task that its expected duration is the median of. */
export const DURATION_SAMPLES = 10;

/**
 * What recent runs say each task takes: a successful attempt's duration and how many
 * attempts it took, over its last successful runs. Fed runs newest first; `ok` runs
 * count, and `no-change` ones only for a task that has no `ok` run (doing nothing is
 * often much quicker than deploying).
 */
export class DurationSamples {
  readonly #ok = new Map<string, { attemptMs: number[]; attempts: number[] }>();
  readonly #noChange = new Map<string, { attemptMs: number[]; attempts: number[] }>();
  #complete = 0;

  constructor(
    private readonly wanted?: ReadonlySet<string>,
    private readonly limit = DURATION_SAMPLES,
  ) {}

  /** Adds a run (call newest first); true once every wanted task has all its samples. */
  add(run: RunReport): boolean {
    for (const task of run.tasks) {
      if (!task.command || (task.status !== 'ok' && task.status !== 'no-change')) continue;
      if (this.wanted && !this.wanted.has(task.name)) continue;
      const last = task.attempts.at(-1);
      if (!last) continue;
      const samples = entry(task.status === 'ok' ? this.#ok : this.#noChange, task.name, () => ({
        attemptMs: [] as number[],
        attempts: [] as number[],
      }));
      if (samples.attemptMs.length >= this.limit) continue;
      samples.attemptMs.push(last.durationMs);
      samples.attempts.push(task.attempts.length);
      if (task.status === 'ok' && samples.attemptMs.length === this.limit) this.#complete++;
    }
    return this.wanted !== undefined && this.#complete === this.wanted.size;
  }

  #medians(pick: (samples: { attemptMs: number[]; attempts: number[] }) => number[]): Map<string, number> {
    const result = new Map<string, number>();
    for (const [name, samples] of this.#noChange) result.set(name, median(pick(samples)));
    for (const [name, samples] of this.#ok) result.set(name, median(pick(samples)));
    return result;
  }

  /** Task name → median duration of a successful attempt, ms. */
  durations(): Map<string, number> {
    return this.#medians((samples) => samples.attemptMs);
  }

  /** Task name → median number of attempts it took. */
  attempts(): Map<string, number> {
    return this.#medians((samples) => samples.attempts);
  }
}

/** Each task's expected attempt duration over its last `lastRuns` successful runs (runs oldest first). */
export function expectedDurations(runs: readonly RunReport[], lastRuns = DURATION_SAMPLES): Map<string, number> {
  const samples = new DurationSamples(undefined, lastRuns);
  for (let i = runs.length - 1; i >= 0; i--) samples.add(runs[i]!);
  return samples.durations();
}

export interface TaskStats {
  name: string;
  /** Runs in which the task started. */
  runs: number;
  /** Share of those that succeeded (ok or no-change), 0..1. */
  successRate: number;
  /** Share of the successful ones that needed more than one attempt, 0..1. */
  flakyRate: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Per-task figures over the given runs, slowest (by p50) first. */
export function taskStats(runs: readonly RunReport[]): TaskStats[] {
  const byName = new Map<string, { durations: number[]; started: number; succeeded: number; flaky: number }>();
  for (const run of runs) {
    for (const task of run.tasks) {
      if (!task.command || task.startMs === null) continue;
      const counts = entry(byName, task.name, () => ({ durations: [] as number[], started: 0, succeeded: 0, flaky: 0 }));
      counts.started++;
      if (task.status !== 'ok' && task.status !== 'no-change') continue;
      counts.succeeded++;
      if (task.flaky) counts.flaky++;
      if (task.durationMs !== null) counts.durations.push(task.durationMs);
    }
  }
  const stats = [...byName].map(([name, counts]) => {
    const sorted = counts.durations.sort((a, b) => a - b);
    return {
      name,
      runs: counts.started,
      successRate: counts.succeeded / counts.started,
      flakyRate: counts.succeeded > 0 ? counts.flaky / counts.succeeded : 0,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    };
  });
  return stats.sort((a, b) => (Number.isNaN(b.p50Ms) ? -1 : Number.isNaN(a.p50Ms) ? 1 : b.p50Ms - a.p50Ms));
}
