/**
 * `stagerun compare <targets..> -j 1..3`: run (or simulate) the targets once per N and
 * print makespan, speedup, efficiency and the gap to the lower bound.
 */

import { UsageError } from '../../lib/errors.js';
import type { Machine } from '../../lib/events/events.js';
import { createPlan, type Plan } from '../../lib/plan/plan.js';
import type { History } from '../../lib/reports/history.js';
import { exitCodeOf } from '../../lib/reports/run-report.js';
import { compareRows, comparisonRuns, measureConcurrency, simulateConcurrency } from '../../lib/run/compare.js';
import { startRun } from '../../lib/run/run.js';
import { createTerminalReporter } from '../../lib/sinks/terminal.js';
import { formatDuration } from '../../lib/util/format.js';
import { type CompareFormat, renderCompare } from '../../lib/views/compare.js';
import { list, parseJobsList, parseSchedules, seconds, timeLimit, wholeNumber } from '../args.js';
import { warn } from '../fail.js';
import type { CliIo } from '../io.js';
import { runMachine } from '../machine.js';
import { loadProject } from '../project.js';
import { passThrough, scopedTargets, selectionOf } from '../selection.js';
import { hasFunctionTasks, type Interrupts, listenForInterrupts } from '../signals.js';
import { colorLevel, screenOn } from '../terminal.js';
import type { CompareArgs } from './compare-spec.js';

/** Running a deploy several times needs a yes: asked on a terminal, else --yes. */
async function confirm(io: CliIo, what: string, runs: number): Promise<boolean> {
  if (!io.ask) {
    throw new UsageError(
      `compare would run ${what} ${runs} times, and there is no terminal to ask on; pass --yes to confirm, or --simulate to run nothing`,
    );
  }
  const answer = await io.ask(`compare will run ${what} ${runs} times (that may deploy ${runs} times). Continue? [y/N] `).answer;
  return /^y(es)?$/i.test(answer.trim());
}

export async function compareCommand(args: CompareArgs, io: CliIo): Promise<number> {
  const interrupts = listenForInterrupts(io.signals);
  try {
    return await compareWith(args, io, interrupts);
  } finally {
    interrupts.release();
  }
}

async function compareWith(args: CompareArgs, io: CliIo, interrupts: Interrupts): Promise<number> {
  const format = args.format as CompareFormat;
  const runs = comparisonRuns(parseSchedules(args.schedule), parseJobsList(args.jobs));
  const grace = seconds('--grace', args.grace)!;
  const timeoutMs = timeLimit('--timeout', args.timeout);
  const historyLimit = wholeNumber('--history-limit', args.historyLimit)!;
  const defaultDuration = seconds('--default-duration', args.defaultDuration);
  const words = passThrough(args);
  const { resolved, history } = await loadProject(args, io);
  interrupts.arm();
  const scoped = scopedTargets(resolved, io.cwd, args.targets ?? []);
  if (scoped.note) warn(io, scoped.note);
  const plan = createPlan(resolved, scoped.targets, selectionOf(args, words));
  // Notes for people go beside a table on stdout, and to stderr beside JSON or CSV (keeping those parseable).
  const notes = format === 'table' ? io.stdout : io.stderr;
  const note = (text: string) => notes.write(`${text}\n`);
  const print = (lines: string[]) => io.stdout.write(`${lines.join('\n')}\n`);
  const { named, ...here } = runMachine(args.machine, io.env);
  if (args.cores !== undefined && !args.simulate)
    throw new UsageError(`--cores predicts for another machine, so it needs --simulate (got --cores ${args.cores} on a measured compare)`);
  const recent = history.durations(
    plan.tasks.map((task) => task.name),
    here.name,
  );
  const durations = recent.durations;

  if (args.simulate) {
    const cores = wholeNumber('--cores', args.cores) ?? (named ? recent.cores : undefined) ?? here.cores;
    const machine = { name: here.name, cores };
    const { reports, unknown, defaultMs } = simulateConcurrency(plan, runs, {
      durations,
      attempts: recent.attempts,
      cpuShares: recent.cpuShares,
      machine,
      defaultDurationMs: defaultDuration === undefined ? undefined : defaultDuration * 1000,
    });
    note(
      `simulated for ${machine.name} with ${cores} core${cores === 1 ? '' : 's'}, from ${recent.runs} recorded run${recent.runs === 1 ? '' : 's'} there (median duration and CPU share of each task's last successful runs); nothing was run`,
    );
    if (unknown.length > 0) {
      const commands = plan.tasks.filter((task) => task.run !== undefined).length;
      const shown = unknown.slice(0, 8).join(', ') + (unknown.length > 8 ? `, … (${unknown.length} in all)` : '');
      const source =
        defaultDuration !== undefined
          ? '--default-duration'
          : durations.size > 0
            ? 'the median of the known tasks'
            : 'no task has history; set it with --default-duration';
      note(`no history for ${unknown.length} of ${commands} tasks (${shown}): simulated at ${formatDuration(defaultMs)} each (${source})`);
    }
    print(renderCompare(compareRows(plan, reports), format));
    return 0;
  }

  const what = plan.requested.join(' ');
  if (runs.length > 1 && !args.yes && !(await confirm(io, what, runs.length))) {
    note('compare: nothing was run');
    return 1;
  }
  const measured = await measureConcurrency(runs, (run, index) => {
    note(`compare: run ${index + 1} of ${runs.length}: ${what} -j${run.jobs} (${run.schedule})…`);
    return runOnce(plan, run, { io, history, notes, args, grace, historyLimit, interrupts, durations, timeoutMs, machine: here });
  });
  const stopped = measured.stoppedAt;
  if (stopped?.status === 'interrupted') return exitCodeOf(measured.reports.at(-1)!);
  if (stopped?.status === 'needs-approval') {
    note(
      `compare: stopped: the run at -j${stopped.jobs} (${stopped.schedule}) has an approval gate no one approved; pass --approve-all or --approve NAME`,
    );
    return exitCodeOf(measured.reports.at(-1)!);
  }
  if (stopped) note(`compare: stopped: the run at -j${stopped.jobs} (${stopped.schedule}) failed, so later figures would not compare`);
  print(renderCompare(compareRows(plan, measured.reports), format));
  return stopped ? 1 : 0;
}

interface RunContext {
  io: CliIo;
  history: History;
  notes: CliIo['stdout'];
  args: CompareArgs;
  grace: number;
  historyLimit: number;
  interrupts: Interrupts;
  durations: ReadonlyMap<string, number>;
  timeoutMs: number | undefined;
  machine: Machine;
}

async function runOnce(plan: Plan, run: { schedule: 'dag' | 'stages'; jobs: number }, context: RunContext) {
  const { io, notes, args } = context;
  const sinks = [createTerminalReporter({ screen: screenOn(notes), colorLevel: colorLevel(notes, args.color, io.env), quiet: true })];
  if (hasFunctionTasks(plan)) context.interrupts.guardLoop(context.grace * 1000);
  const handle = await startRun(plan, {
    ...run,
    durations: context.durations,
    machine: context.machine,
    graceMs: context.grace * 1000,
    sinks,
    env: io.env,
    signal: context.interrupts.signal,
    clock: io.clock,
    timeoutMs: context.timeoutMs,
    approve: args.approveAll ? true : list(args.approve),
    history: args.history ? context.history : false,
    historyLimit: context.historyLimit,
    pressure: io.pressure,
  });
  context.interrupts.attach(handle);
  const report = await handle.report;
  context.interrupts.detach();
  return report;
}
