/**
 * The tests' fake executor: the real execute path on a virtual clock, with tasks that take
 * the durations and exit with the codes a test scripts. Records what a test asserts on.
 */

import type { RunEvent, SchedulePolicy } from '../../lib/events/events.js';
import type { Attempt } from '../../lib/executors/executor.js';
import type { Pipeline } from '../../lib/model/model.js';
import { type Plan, toPlan } from '../../lib/plan/plan.js';
import type { RunReport } from '../../lib/reports/run-report.js';
import { execute } from '../../lib/run/execute.js';
import { type SimulatedBehaviour, SimulatedExecutor } from '../../lib/run/simulate.js';
import { VirtualClock } from '../../lib/schedule/clock.js';
import type { Approver } from '../../lib/schedule/scheduler.js';

export interface FakeRunOptions {
  targets?: string[];
  jobs?: number;
  schedule?: SchedulePolicy;
  keepGoing?: boolean;
  /** ms per attempt; default 10 */
  durations?: Record<string, number>;
  exitCodes?: Record<string, number>;
  /** Each attempt's behaviour, when durations and exit codes are not enough (first attempt is 1). */
  attempt?: (attempt: Attempt) => Partial<SimulatedBehaviour> | undefined;
  /** Priority weights (history); default: none known. */
  history?: Record<string, number>;
  /** Interrupt the run at this virtual time. */
  stopAt?: number;
  timeoutMs?: number;
  approver?: Approver;
}

export interface FakeRun {
  plan: Plan;
  report: RunReport;
  events: RunEvent[];
  /** Task names in the order they started (goals left out; a retry is a start again). */
  starts: string[];
  /** Name → virtual time of its first start. */
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
  const executor = new SimulatedExecutor(clock, (attempt) => ({
    durationMs: options.durations?.[attempt.task.name] ?? 10,
    exitCode: options.exitCodes?.[attempt.task.name] ?? 0,
    output: [`hello from ${attempt.task.name}`],
    ...options.attempt?.(attempt),
  }));
  const execution = execute(
    plan,
    {
      jobs: options.jobs ?? 1,
      schedule: options.schedule ?? 'dag',
      keepGoing: options.keepGoing ?? false,
      durations: options.history,
      timeoutMs: options.timeoutMs,
      approver: options.approver,
      simulated: true,
      sinks: [
        (event) => {
          events.push(event);
          if (event.type === 'task-start' && event.task.run !== undefined) {
            starts.push(event.task.name);
            startTimes[event.task.name] ??= event.at;
            running++;
            maxRunning = Math.max(maxRunning, running);
          }
          if ((event.type === 'task-retry' || (event.type === 'task-end' && event.attempts.length > 0)) && event.task.run !== undefined)
            running--;
        },
      ],
    },
    executor,
    clock,
  );
  if (options.stopAt !== undefined) clock.setTimer(options.stopAt, () => execution.handle.stop(false));
  clock.runAll();
  return { plan, report: execution.report(), events, starts, startTimes, maxRunning };
}

/** Status of every task in a report, by name. */
export function statuses(report: RunReport): Record<string, string> {
  return Object.fromEntries(report.tasks.map((task) => [task.name, task.status]));
}
