/**
 * Comparing concurrency levels: the figures that answer "which -j should I use?".
 * Each row sets a run's makespan against the first N (speedup, efficiency) and against
 * the bound no schedule can beat, max(critical path, work / N).
 */
import { UsageError } from '../errors.js';
import { SCHEDULE_POLICIES, type SchedulePolicy } from '../events/events.js';
import { estimate } from '../plan/estimate.js';
import { bounds, type Plan } from '../plan/plan.js';
import type { RunReport } from '../reports/run-report.js';
import { simulate } from './simulate.js';

/** The most values of N one comparison takes: each is a run (or a simulation). */
export const MAX_JOBS_VALUES = 4096;

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
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from < 1 || to < from) throw new UsageError(`-j range '${part}' must go up from 1 or more (like 1..8)`);
      if (to - from + 1 > MAX_JOBS_VALUES)
        throw new UsageError(`-j range '${part}' has ${to - from + 1} values; at most ${MAX_JOBS_VALUES} are compared at once`);
      for (let n = from; n <= to; n++) values.push(n);
    } else if (/^\d+$/.test(part) && Number(part) >= 1) {
      values.push(Number(part));
    } else {
      throw new UsageError(`-j takes whole numbers of at least 1, as a list (1,2,3) or a range (1..3); got '${part}'`);
    }
  }
  if (values.length === 0) throw new UsageError(`-j needs at least one value, like 1,2,3 or 1..3 (got '${text}')`);
  const unique = [...new Set(values)];
  if (unique.length > MAX_JOBS_VALUES)
    throw new UsageError(`-j '${text}' has ${unique.length} values; at most ${MAX_JOBS_VALUES} are compared at once`);
  return unique;
}

/** `dag`, `stages` or `dag,stages` → the policies, each once. */
export function parseSchedules(text: string): SchedulePolicy[] {
  const values = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const value of values) {
    if (!SCHEDULE_POLICIES.includes(value as SchedulePolicy)) {
      throw new UsageError(`--schedule takes ${SCHEDULE_POLICIES.join(', ')} or both as 'dag,stages' (got '${value}')`);
    }
  }
  if (values.length === 0) throw new UsageError('--schedule needs a value: dag, stages, or dag,stages');
  return [...new Set(values)] as SchedulePolicy[];
}

/** Every (schedule, N) pair of a comparison, in the order they run: each policy across all N. */
export function comparisonRuns(
  schedules: readonly SchedulePolicy[],
  jobsList: readonly number[],
): { schedule: SchedulePolicy; jobs: number }[] {
  return schedules.flatMap((schedule) => jobsList.map((jobs) => ({ schedule, jobs })));
}

export interface Measured {
  reports: RunReport[];
  /** Set when a run did not succeed: the comparison stopped there, since later figures would not compare. */
  stoppedAt?: { schedule: SchedulePolicy; jobs: number; status: RunReport['status'] };
}

/**
 * Runs the targets once per (schedule, N) in turn, through `runOnce`, and stops at the
 * first run that does not succeed: a failed deploy's makespan says nothing about N.
 */
export async function measureConcurrency(
  runs: readonly { schedule: SchedulePolicy; jobs: number }[],
  runOnce: (run: { schedule: SchedulePolicy; jobs: number }, index: number) => Promise<RunReport>,
): Promise<Measured> {
  const reports: RunReport[] = [];
  for (const [index, run] of runs.entries()) {
    const report = await runOnce(run, index);
    reports.push(report);
    if (!report.ok) return { reports, stoppedAt: { ...run, status: report.status } };
  }
  return { reports };
}

export interface Simulated {
  reports: RunReport[];
  /** Tasks with no recorded duration, simulated at `defaultMs`. */
  unknown: string[];
  defaultMs: number;
}

/** Simulates every (schedule, N) with the given durations: the figures of `compare --simulate`. */
export function simulateConcurrency(
  plan: Plan,
  runs: readonly { schedule: SchedulePolicy; jobs: number }[],
  options: { durations: ReadonlyMap<string, number>; attempts?: ReadonlyMap<string, number>; defaultDurationMs?: number },
): Simulated {
  const { unknown, defaultMs } = estimate(plan, options);
  const reports = runs.map(({ schedule, jobs }) => simulate(plan, { ...options, jobs, schedule }));
  return { reports, unknown: [...unknown], defaultMs };
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
