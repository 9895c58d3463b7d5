/**
 * The tests' fake executor: the real scheduler on a virtual clock, with tasks that take
 * the durations and exit with the codes a test scripts. Records what a test asserts on.
 */
import { VirtualClock } from '../../lib/clock.js';
import type { RunEvent, SchedulePolicy } from '../../lib/events.js';
import type { Pipeline } from '../../lib/model.js';
import { type Plan, taskWeights, toPlan } from '../../lib/plan.js';
import { createReportSink, type RunReport } from '../../lib/report/json.js';
import { startSchedule } from '../../lib/schedule.js';
import { SimulatedExecutor } from '../../lib/simulate.js';

export interface FakeRunOptions {
  targets?: string[];
  jobs?: number;
  schedule?: SchedulePolicy;
  keepGoing?: boolean;
  /** ms per task; default 10 */
  durations?: Record<string, number>;
  exitCodes?: Record<string, number>;
  /** Priority weights (history); default: none known. */
  history?: Record<string, number>;
  /** Interrupt the run at this virtual time. */
  stopAt?: number;
}

export interface FakeRun {
  plan: Plan;
  report: RunReport;
  events: RunEvent[];
  /** Task names in the order they started (goals left out). */
  starts: string[];
  /** [name, at] for every start. */
  startTimes: Record<string, number>;
  /** Most tasks running at once. */
  maxRunning: number;
}

export function fakeRun(pipeline: Pipeline | Plan, options: FakeRunOptions = {}): FakeRun {
  const plan = toPlan(pipeline, options.targets, '/tmp');
  const clock = new VirtualClock();
  const events: RunEvent[] = [];
  const starts: string[] = [];
  const startTimes: Record<string, number> = {};
  let running = 0;
  let maxRunning = 0;
  const report = createReportSink();
  const executor = new SimulatedExecutor(clock, (task) => ({
    durationMs: options.durations?.[task.name] ?? 10,
    exitCode: options.exitCodes?.[task.name] ?? 0,
    output: [`hello from ${task.name}`],
  }));
  const handle = startSchedule(
    plan,
    {
      jobs: options.jobs ?? 1,
      policy: options.schedule ?? 'dag',
      keepGoing: options.keepGoing ?? false,
      weights: taskWeights(plan, options.history ? new Map(Object.entries(options.history)) : undefined),
    },
    executor,
    clock,
    (event) => {
      events.push(event);
      report.sink(event);
      if (event.type === 'task-start' && event.task.run !== undefined) {
        starts.push(event.task.name);
        startTimes[event.task.name] = event.at;
        running++;
        maxRunning = Math.max(maxRunning, running);
      }
      if (event.type === 'task-end' && event.startAt !== null && event.task.run !== undefined) running--;
    },
  );
  if (options.stopAt !== undefined) clock.setTimer(options.stopAt, () => handle.stop(false));
  clock.runAll();
  return { plan, report: report.report(), events, starts, startTimes, maxRunning };
}

/** Status of every task in a report, by name. */
export function statuses(report: RunReport): Record<string, string> {
  return Object.fromEntries(report.tasks.map((task) => [task.name, task.status]));
}
