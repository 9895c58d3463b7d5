/**
 * Comparing concurrency levels: the figures that answer "which -j should I use?".
 * Each row sets a run's makespan against the first N (speedup, efficiency) and against
 * the bound no schedule can beat, max(critical path, work / N).
 */
import { UsageError } from './errors.js';
import type { SchedulePolicy } from './events.js';
import { bounds, type Plan } from './plan.js';
import type { RunReport } from './report/json.js';

export interface CompareRow {
  jobs: number;
  schedule: SchedulePolicy;
  makespanMs: number;
  /** First N's makespan (same schedule) / this makespan. */
  speedup: number;
  /** speedup / N relative to the first N: 1 means every added slot paid off fully. */
  efficiency: number;
  lowerBoundMs: number;
  /** (makespan − bound) / bound. */
  gap: number;
  simulated: boolean;
  ok: boolean;
}

/** `1,2,3`, `1..3`, `1..8,16` → [1, 2, 3, …], each a whole number ≥ 1, without repeats. */
export function parseJobsList(text: string): number[] {
  const values: number[] = [];
  for (const part of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from < 1 || to < from || to - from > 4096) throw new UsageError(`-j range '${part}' must go up from 1 or more (like 1..8)`);
      for (let n = from; n <= to; n++) values.push(n);
    } else if (/^\d+$/.test(part) && Number(part) >= 1) {
      values.push(Number(part));
    } else {
      throw new UsageError(`-j takes whole numbers of at least 1, as a list (1,2,3) or a range (1..3); got '${part}'`);
    }
  }
  if (values.length === 0) throw new UsageError(`-j needs at least one value, like 1,2,3 or 1..3 (got '${text}')`);
  return [...new Set(values)];
}

/** Measured durations of a run's tasks, as weights for the plan (goals and unstarted tasks weigh 0). */
export function measuredWeights(plan: Plan, report: RunReport): Float64Array {
  const byName = new Map(report.tasks.map((task) => [task.name, task.durationMs ?? 0]));
  const weights = new Float64Array(plan.tasks.length);
  for (const task of plan.tasks) weights[task.id] = task.run === undefined ? 0 : (byName.get(task.name) ?? 0);
  return weights;
}

/** One row per report, in order; speedups are against the first report of the same schedule. */
export function compareRows(plan: Plan, reports: readonly RunReport[]): CompareRow[] {
  const baseline = new Map<SchedulePolicy, RunReport>();
  return reports.map((report) => {
    if (!baseline.has(report.schedule)) baseline.set(report.schedule, report);
    const first = baseline.get(report.schedule)!;
    const speedup = first.makespanMs / report.makespanMs;
    const { lowerBoundMs } = bounds(plan, measuredWeights(plan, report), report.jobs);
    return {
      jobs: report.jobs,
      schedule: report.schedule,
      makespanMs: report.makespanMs,
      speedup,
      efficiency: speedup / (report.jobs / first.jobs),
      lowerBoundMs: Math.round(lowerBoundMs * 10) / 10,
      gap: lowerBoundMs > 0 ? (report.makespanMs - lowerBoundMs) / lowerBoundMs : 0,
      simulated: report.simulated,
      ok: report.ok,
    };
  });
}
