/** Figures from history: expected durations, percentiles, success rates. */
import { entry } from '../util/maps.js';
import { type AttemptReport, machineOf, type RunReport } from './run-report.js';

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

interface Samples {
  attemptMs: number[];
  attempts: number[];
  /** CPU time / wall time of the attempts whose CPU time is known. */
  shares: number[];
  /** How telling the samples kept are (see `rank`): better ones replace them. */
  rank: number;
}

const noSamples = (): Samples => ({ attemptMs: [], attempts: [], shares: [], rank: -1 });

/** Cores busy around an attempt at or above this share of the machine's: it may have been slowed down. */
export const BUSY_MACHINE = 0.9;

/**
 * How telling an attempt's duration is for the simulator, which needs uncontended ones:
 * 2 when it did not have to share the cores (the cores the other attempts kept busy meanwhile
 * plus its own came to less than 90 % of the machine's, or nothing else was computing; for
 * records without that figure, a run at -j no greater than the cores), 1 for an older record
 * (which does not say where it ran), 0 otherwise.
 */
function rank(run: RunReport, attempt: AttemptReport): number {
  const machine = machineOf(run);
  if (!machine) return 1;
  const { busyAround, cpuMs, durationMs } = attempt;
  if (typeof busyAround !== 'number' || typeof cpuMs !== 'number' || durationMs <= 0) return run.jobs <= machine.cores ? 2 : 0;
  const alone = busyAround < 0.05;
  return alone || busyAround + cpuMs / durationMs < BUSY_MACHINE * machine.cores ? 2 : 0;
}

/**
 * What recent runs say each task takes: a successful attempt's duration, the share of a
 * core it kept busy, and how many attempts it took, over its last successful runs. Fed
 * runs newest first; `ok` runs count, and `no-change` ones only for a task that has no
 * `ok` run (doing nothing is often much quicker than deploying). Of a task's runs, only
 * the most telling are kept (`rank`): attempts that did not share the cores where there are
 * any, since only those give the uncontended durations the simulator's CPU model starts
 * from; a task only ever recorded on a busy machine keeps those, and predictions run long.
 */
export class DurationSamples {
  readonly #ok = new Map<string, Samples>();
  readonly #noChange = new Map<string, Samples>();
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
      const samples = entry(task.status === 'ok' ? this.#ok : this.#noChange, task.name, noSamples);
      const runRank = rank(run, last);
      if (runRank < samples.rank) continue;
      if (runRank > samples.rank) {
        samples.attemptMs.length = samples.attempts.length = samples.shares.length = 0;
        samples.rank = runRank;
      }
      if (samples.attemptMs.length >= this.limit) continue;
      samples.attemptMs.push(last.durationMs);
      samples.attempts.push(task.attempts.length);
      if (typeof last.cpuMs === 'number' && last.durationMs > 0) samples.shares.push(last.cpuMs / last.durationMs);
      if (task.status === 'ok' && runRank === 2 && samples.attemptMs.length === this.limit) this.#complete++;
    }
    return this.wanted !== undefined && this.#complete === this.wanted.size;
  }

  #medians(pick: (samples: Samples) => number[]): Map<string, number> {
    const result = new Map<string, number>();
    for (const map of [this.#noChange, this.#ok]) {
      for (const [name, samples] of map) {
        const values = pick(samples);
        if (values.length > 0) result.set(name, median(values));
      }
    }
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

  /** Task name → median share of a core it kept busy (CPU time / wall time), for tasks whose CPU time was recorded. */
  cpuShares(): Map<string, number> {
    return this.#medians((samples) => samples.shares);
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
