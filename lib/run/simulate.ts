/**
 * Simulation: the execute path with a virtual clock and an executor that only waits. A
 * prediction of 100,000 tasks takes well under a second and is exact and repeatable, and
 * it honours everything a real run does: stages, resources, time limits, retries (from
 * each task's usual number of attempts), approvals (granted).
 */

import type { Attempt, Executor, Outcome, RunningTask, TaskIO } from '../executors/executor.js';
import type { Pipeline } from '../model/model.js';
import { type Estimates, estimate } from '../plan/estimate.js';
import { type Plan, toPlan } from '../plan/plan.js';
import type { RunReport } from '../reports/run-report.js';
import type { Approver } from '../schedule/approvals.js';
import { VirtualClock } from '../schedule/clock.js';
import { checkExecuteOptions, type ExecuteOptions, execute } from './execute.js';

/** What one simulated attempt does: how long it takes, how it ends, what it prints. */
export interface SimulatedBehaviour {
  durationMs: number;
  /** Default 0. */
  exitCode?: number;
  output?: readonly string[];
}

/** An executor that runs nothing: each attempt ends `durationMs` later on the virtual clock. */
export class SimulatedExecutor implements Executor {
  constructor(
    private readonly clock: VirtualClock,
    private readonly behaviour: (attempt: Attempt) => SimulatedBehaviour,
  ) {}

  start(attempt: Attempt, io: TaskIO): RunningTask {
    const { durationMs, exitCode = 0, output = [] } = this.behaviour(attempt);
    for (const line of output) io.output('stdout', line);
    const outcome: Outcome = { kind: 'exited', exitCode };
    const cancel = this.clock.setTimer(durationMs, () => io.end(outcome));
    return {
      stop: () => {
        cancel();
        io.end({ kind: 'signalled', signal: 'SIGTERM' });
      },
    };
  }
}

export interface SimulateOptions extends ExecuteOptions {
  /** Exit codes to simulate failures, by task name (every attempt of the task exits so). */
  exitCodes?: Readonly<Record<string, number>>;
}

/** Every approval gate is approved: a prediction is of the run that goes through. */
const APPROVE_ALL: Approver = { request: () => ({ approved: true, by: 'simulation' }) };

/** The simulated behaviour of each attempt: its usual duration; attempts before its usual count fail. */
export function simulatedBehaviour(estimates: Estimates, exitCodes: Readonly<Record<string, number>> = {}) {
  return ({ task, number }: Attempt): SimulatedBehaviour => ({
    durationMs: estimates.attemptMs[task.id]!,
    exitCode: exitCodes[task.name] ?? (number < estimates.attempts[task.id]! ? 1 : 0),
  });
}

/**
 * Predicts a run: the same report `run()` returns, with `simulated: true` and times from
 * `durations`. Synchronous.
 */
export function simulate(source: Pipeline | Plan, options: SimulateOptions = {}): RunReport {
  checkExecuteOptions(options);
  const plan = toPlan(source, options.targets, undefined, options);
  const estimates = estimate(plan, options);
  const clock = new VirtualClock();
  const executor = new SimulatedExecutor(clock, simulatedBehaviour(estimates, options.exitCodes));
  const execution = execute(plan, { approver: APPROVE_ALL, ...options, simulated: true, estimates }, executor, clock);
  clock.runAll();
  return execution.report();
}
