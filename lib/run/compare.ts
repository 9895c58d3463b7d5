/**
 * Comparing concurrency levels: the figures that answer "which -j should I use?".
 * Each row sets a run's makespan against the first N (speedup, efficiency) and against
 * the bound no schedule can beat, max(critical path, work / N).
 */
import type { SchedulePolicy } from '../events/events.js';
import { estimate } from '../plan/estimate.js';
import { bounds, type Plan } from '../plan/plan.js';
import { machineOf, type RunReport } from '../reports/run-report.js';
import { type SimulateOptions, simulate } from './simulate.js';

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
  /** Cores the run kept busy on average (its tasks' CPU time / makespan); null where CPU time was not recorded. */
  coresBusy: number | null;
  /** The cores of the machine it ran on (or was predicted for); null in older records. */
  cores: number | null;
  /** The N to pick for this schedule: the smallest whose makespan is within PICK_WITHIN of the best. */
  picked: boolean;
}

/** An N whose makespan is within this share of the best one's is good enough: fewer jobs, less contention. */
export const PICK_WITHIN = 0.03;

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
  options: Pick<SimulateOptions, 'durations' | 'attempts' | 'cpuShares' | 'machine' | 'defaultDurationMs'>,
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

/** Cores kept busy on average: the CPU time of every attempt over the makespan; null when none was recorded. */
export function coresBusy(report: RunReport): number | null {
  let cpuMs = 0;
  let known = false;
  for (const task of report.tasks) {
    for (const attempt of task.attempts) {
      if (typeof attempt.cpuMs !== 'number') continue;
      cpuMs += attempt.cpuMs;
      known = true;
    }
  }
  return known && report.makespanMs > 0 ? Math.round((cpuMs / report.makespanMs) * 100) / 100 : null;
}

/** The smallest N of each schedule whose successful run is within PICK_WITHIN of that schedule's best. */
function picks(reports: readonly RunReport[]): Set<RunReport> {
  const picked = new Set<RunReport>();
  const policies = new Set(reports.map((report) => report.schedule));
  for (const schedule of policies) {
    const ok = reports.filter((report) => report.schedule === schedule && report.ok);
    if (ok.length === 0) continue;
    const best = Math.min(...ok.map((report) => report.makespanMs));
    const good = ok.filter((report) => report.makespanMs <= best * (1 + PICK_WITHIN));
    picked.add(good.reduce((a, b) => (b.jobs < a.jobs ? b : a)));
  }
  return picked;
}

/** One row per report, in order; speedups are against the first report of the same schedule. */
export function compareRows(plan: Plan, reports: readonly RunReport[]): CompareRow[] {
  const baseline = new Map<SchedulePolicy, RunReport>();
  const picked = picks(reports);
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
      coresBusy: coresBusy(report),
      cores: machineOf(report)?.cores ?? null,
      picked: picked.has(report),
    };
  });
}
