/**
 * Simulation: the real scheduler driven by a virtual clock and an executor that only
 * waits. A prediction of 100,000 tasks takes well under a second and is exact and repeatable.
 */
import { VirtualClock } from './clock.js';
import { fanOut, type SchedulePolicy, type Sink } from './events.js';
import type { Pipeline } from './model.js';
import { type Plan, type PlanTask, toPlan } from './plan.js';
import { createReportSink, type RunReport } from './report/json.js';
import { checkRunOptions } from './run.js';
import { type Executor, type RunningTask, startSchedule, type TaskIO } from './schedule.js';

/** What a simulated task does: how long it takes, how it exits, what it prints. */
export interface SimulatedBehaviour {
  durationMs: number;
  /** Default 0. */
  exitCode?: number;
  output?: readonly string[];
}

/** An executor that runs nothing: each task ends `durationMs` later on the virtual clock. */
export class SimulatedExecutor implements Executor {
  constructor(
    private readonly clock: VirtualClock,
    private readonly behaviour: (task: PlanTask) => SimulatedBehaviour,
  ) {}

  start(task: PlanTask, io: TaskIO): RunningTask {
    const { durationMs, exitCode = 0, output = [] } = this.behaviour(task);
    for (const line of output) io.output('stdout', line);
    const cancel = this.clock.setTimer(durationMs, () => io.end({ exitCode }));
    return {
      stop: () => {
        cancel();
        io.end({ exitCode: null, signal: 'SIGTERM', error: 'stopped' });
      },
    };
  }
}

export interface SimulateOptions {
  targets?: readonly string[];
  /** Default 1. */
  jobs?: number;
  schedule?: SchedulePolicy;
  keepGoing?: boolean;
  /** Expected duration of each task by name, in ms (for example from history). */
  durations?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** For tasks without a duration: default the median of the known ones, or 1000 ms. */
  defaultDurationMs?: number;
  /** Exit codes to simulate failures, by task name. */
  exitCodes?: Readonly<Record<string, number>>;
  sinks?: readonly Sink[];
}

/**
 * The duration every task is simulated with, by task id: its given duration, else the
 * default (the median of the given ones, or 1000 ms). Goals take no time. One pass.
 */
export function effectiveDurations(plan: Plan, options: SimulateOptions): { byId: Float64Array; defaultMs: number; unknown: string[] } {
  const given = options.durations instanceof Map ? options.durations : new Map(Object.entries(options.durations ?? {}));
  const byId = new Float64Array(plan.tasks.length).fill(Number.NaN);
  const known: number[] = [];
  const unknown: string[] = [];
  for (const task of plan.tasks) {
    if (task.run === undefined) {
      byId[task.id] = 0;
      continue;
    }
    const duration = given.get(task.name);
    if (duration === undefined) unknown.push(task.name);
    else {
      byId[task.id] = duration;
      known.push(duration);
    }
  }
  const sorted = Float64Array.from(known).sort();
  const defaultMs = options.defaultDurationMs ?? (sorted.length > 0 ? sorted[sorted.length >> 1]! : 1000);
  for (let id = 0; id < byId.length; id++) if (Number.isNaN(byId[id])) byId[id] = defaultMs;
  return { byId, defaultMs, unknown };
}

/**
 * Predicts a run: the same report `run()` returns, with `simulated: true` and times from
 * `durations`. Synchronous.
 */
export function simulate(source: Pipeline | Plan, options: SimulateOptions = {}): RunReport {
  checkRunOptions(options);
  const plan = toPlan(source, options.targets);
  // The simulated durations are also the priority weights: the best estimate there is.
  const { byId } = effectiveDurations(plan, options);
  const clock = new VirtualClock();
  const executor = new SimulatedExecutor(clock, (task) => ({
    durationMs: byId[task.id]!,
    exitCode: options.exitCodes?.[task.name] ?? 0,
  }));
  const report = createReportSink();
  const handle = startSchedule(
    plan,
    {
      jobs: options.jobs ?? 1,
      policy: options.schedule ?? 'dag',
      keepGoing: options.keepGoing ?? false,
      weights: byId,
      startedAt: new Date().toISOString(),
      simulated: true,
    },
    executor,
    clock,
    fanOut([report.sink, ...(options.sinks ?? [])]),
  );
  clock.runAll();
  void handle.done;
  return report.report();
}
