/**
 * Simulation: the execute path with a virtual clock and an executor that only waits. A
 * prediction of 100,000 tasks takes well under a second and is exact and repeatable, and
 * it honours everything a real run does: stages, resources, time limits, retries (from
 * each task's usual number of attempts), approvals (granted).
 */

import { CoreSharing } from '../executors/core-sharing.js';
import type { Attempt, Executor, Outcome, RunningTask, TaskIO } from '../executors/executor.js';
import type { Pipeline } from '../model/model.js';
import { type Estimates, estimate } from '../plan/estimate.js';
import { type Plan, toPlan } from '../plan/plan.js';
import type { RunReport } from '../reports/run-report.js';
import type { Approver } from '../schedule/approvals.js';
import { VirtualClock } from '../schedule/clock.js';
import { checkExecuteOptions, type ExecuteOptions, execute, thisMachine } from './execute.js';

/** What one simulated attempt does: how long it takes, how it ends, what it prints. */
export interface SimulatedBehaviour {
  /** How long it takes alone on the machine (uncontended). */
  durationMs: number;
  /** The share of a core it keeps busy meanwhile (CPU time / wall time): 0 waits, 1 computes. Default: not known, taken to wait. */
  cpuShare?: number;
  /** Default 0. */
  exitCode?: number;
  output?: readonly string[];
}

/**
 * An executor that runs nothing: each attempt ends `durationMs` later on the virtual clock,
 * or, given the machine's cores, later still while the running attempts need more cores
 * than it has (processor sharing: core-sharing.ts).
 */
export class SimulatedExecutor implements Executor {
  readonly #sharing: CoreSharing | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly behaviour: (attempt: Attempt) => SimulatedBehaviour,
    cores?: number,
  ) {
    this.#sharing = cores === undefined ? undefined : new CoreSharing(clock, cores);
  }

  start(attempt: Attempt, io: TaskIO): RunningTask {
    const { durationMs, cpuShare, exitCode = 0, output = [] } = this.behaviour(attempt);
    for (const line of output) io.output('stdout', line);
    const known = cpuShare !== undefined && !Number.isNaN(cpuShare);
    const outcome: Outcome = { kind: 'exited', exitCode, ...(known ? { cpuMs: Math.round(durationMs * cpuShare) } : {}) };
    const end = () => io.end(outcome);
    const cancel = this.#sharing ? this.#sharing.start(durationMs, known ? cpuShare : 0, end) : this.clock.setTimer(durationMs, end);
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
    cpuShare: estimates.cpuShare[task.id]!,
    exitCode: exitCodes[task.name] ?? (number < estimates.attempts[task.id]! ? 1 : 0),
  });
}

/**
 * Predicts a run: the same report `run()` returns, with `simulated: true` and times from
 * `durations`. Given `cpuShares`, running tasks share the cores of `machine` (default:
 * this one). Synchronous.
 */
export function simulate(source: Pipeline | Plan, options: SimulateOptions = {}): RunReport {
  checkExecuteOptions(options);
  const plan = toPlan(source, options.targets, undefined, options);
  const estimates = estimate(plan, options);
  const clock = new VirtualClock();
  const machine = options.machine ?? thisMachine();
  // Only tasks that compute can contend: with none, durations replay as they are (and no time goes to sharing).
  const cores = estimates.cpuShare.some((share) => share > 0) ? machine.cores : undefined;
  const executor = new SimulatedExecutor(clock, simulatedBehaviour(estimates, options.exitCodes), cores);
  const execution = execute(plan, { approver: APPROVE_ALL, ...options, machine, simulated: true, estimates }, executor, clock);
  clock.runAll();
  return execution.report();
}
