/**
 * `stagerun compare <targets..> -j 1..3`: run (or simulate) the targets once per N and
 * print makespan, speedup, efficiency and the gap to the lower bound.
 */
import { createInterface } from 'node:readline/promises';
import { compareRows, parseJobsList } from '../../lib/compare.js';
import { UsageError } from '../../lib/errors.js';
import { SCHEDULE_POLICIES, type SchedulePolicy } from '../../lib/events.js';
import { formatDuration } from '../../lib/format.js';
import { createPlan, type Plan } from '../../lib/plan.js';
import { renderCompare, type CompareFormat } from '../../lib/render/compare.js';
import type { RunReport } from '../../lib/report/json.js';
import { createTerminalReporter } from '../../lib/report/terminal.js';
import { startRun } from '../../lib/run.js';
import { effectiveDurations, simulate } from '../../lib/simulate.js';
import { loadProject, type History } from '../project.js';
import { interruptOnSignals } from '../signals.js';
import { colorLevel, screenOn } from '../terminal.js';
import { checkGrace, checkHistoryLimit, EXIT_INTERRUPTED } from './run.js';

export interface CompareArgs {
  targets?: string[];
  file?: string;
  color?: boolean;
  jobs: string;
  schedule: string;
  simulate: boolean;
  format: CompareFormat;
  yes: boolean;
  defaultDuration?: number;
  grace: number;
  history: boolean;
  historyLimit: number;
}

export function parseSchedules(text: string): SchedulePolicy[] {
  const values = text.split(',').map((item) => item.trim()).filter(Boolean);
  for (const value of values) {
    if (!SCHEDULE_POLICIES.includes(value as SchedulePolicy)) {
      throw new UsageError(`--schedule takes ${SCHEDULE_POLICIES.join(', ')} or both as 'dag,stages' (got '${value}')`);
    }
  }
  if (values.length === 0) throw new UsageError('--schedule needs a value: dag, stages, or dag,stages');
  return [...new Set(values)] as SchedulePolicy[];
}

/** Running a deploy several times needs a yes: asked on a terminal, else --yes. */
async function confirm(what: string, runs: number): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError(`compare would run ${what} ${runs} times, and there is no terminal to ask on; pass --yes to confirm, or --simulate to run nothing`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`compare will run ${what} ${runs} times (that may deploy ${runs} times). Continue? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

function printLines(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Notes for people go to stdout beside a table, to stderr beside JSON or CSV (keeping those parseable). */
function note(format: CompareFormat, text: string): void {
  (format === 'table' ? process.stdout : process.stderr).write(`${text}\n`);
}

function simulated(plan: Plan, history: History, args: CompareArgs, schedules: SchedulePolicy[], jobsList: number[]): RunReport[] {
  const known = history.durations();
  const options = { durations: known, defaultDurationMs: args.defaultDuration === undefined ? undefined : args.defaultDuration * 1000 };
  const { unknown, defaultMs } = effectiveDurations(plan, options);
  const commands = plan.tasks.filter((task) => task.run !== undefined).length;
  note(
    args.format,
    `simulated from ${history.runs().length} recorded run${history.runs().length === 1 ? '' : 's'} (median duration of each task's last successful runs); nothing was run`,
  );
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 8).join(', ') + (unknown.length > 8 ? `, … (${unknown.length} in all)` : '');
    const source = args.defaultDuration !== undefined ? '--default-duration' : known.size > 0 ? 'the median of the known tasks' : 'no task has history; set it with --default-duration';
    note(args.format, `no history for ${unknown.length} of ${commands} tasks (${shown}): simulated at ${formatDuration(defaultMs)} each (${source})`);
  }
  return schedules.flatMap((schedule) => jobsList.map((jobs) => simulate(plan, { ...options, jobs, schedule })));
}

async function measured(plan: Plan, history: History, args: CompareArgs, schedules: SchedulePolicy[], jobsList: number[]): Promise<RunReport[] | number> {
  const total = schedules.length * jobsList.length;
  const what = plan.requested.join(' ');
  if (total > 1 && !args.yes && !(await confirm(what, total))) {
    note(args.format, 'compare: nothing was run');
    return 1;
  }
  const durations = history.durations();
  const level = colorLevel(args.format === 'table' ? process.stdout : process.stderr, args.color);
  const reports: RunReport[] = [];
  let count = 0;
  for (const schedule of schedules) {
    for (const jobs of jobsList) {
      count++;
      const screen = screenOn(args.format === 'table' ? process.stdout : process.stderr);
      const sinks = [createTerminalReporter({ screen, colorLevel: level, quiet: true })];
      if (args.history) sinks.push(history.recorder(args.historyLimit));
      note(args.format, `compare: run ${count} of ${total}: ${what} -j${jobs} (${schedule})…`);
      const handle = await startRun(plan, { jobs, schedule, durations, graceMs: args.grace * 1000, sinks });
      const release = interruptOnSignals(handle);
      const report = await handle.report.finally(release);
      reports.push(report);
      if (report.status === 'interrupted') return EXIT_INTERRUPTED;
      if (!report.ok) {
        note(args.format, `compare: stopped: the run at -j${jobs} (${schedule}) failed, so later figures would not compare`);
        printLines(renderCompare(compareRows(plan, reports), args.format));
        return 1;
      }
    }
  }
  return reports;
}

export async function compareCommand(args: CompareArgs): Promise<number> {
  const jobsList = parseJobsList(args.jobs);
  const schedules = parseSchedules(args.schedule);
  checkGrace(args.grace);
  checkHistoryLimit(args.historyLimit);
  if (args.defaultDuration !== undefined && !(args.defaultDuration >= 0)) {
    throw new UsageError(`--default-duration must be seconds, 0 or more (got ${args.defaultDuration})`);
  }
  const { resolved, history } = await loadProject(args);
  const plan = createPlan(resolved, args.targets ?? []);
  const reports = args.simulate ? simulated(plan, history, args, schedules, jobsList) : await measured(plan, history, args, schedules, jobsList);
  if (typeof reports === 'number') return reports;
  printLines(renderCompare(compareRows(plan, reports), args.format));
  return 0;
}
