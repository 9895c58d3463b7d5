/**
 * Comparing concurrency levels: the figures that answer "which -j should I use?".
 * Each row sets a run's makespan against the first N (speedup, efficiency) and against
 * the bound no schedule can beat, max(critical path, work / N).
 */
import type { SchedulePolicy } from '../events/events.js';
import { estimate } from '../plan/estimate.js';
import { bounds, type Plan } from '../plan/plan.js';
import type { RunReport } from '../reports/run-report.js';
import { simulate } from './simulate.js';

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
