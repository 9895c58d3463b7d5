/** `stagerun [targets..]`: load, check, plan, then list, draw, dry-run or run. */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { OutputFileError, UnknownTargetError, UsageError } from '../../lib/errors.js';
import type { ResolvedPipeline } from '../../lib/resolve.js';
import { closest } from '../../lib/suggest.js';
import type { SchedulePolicy, Sink } from '../../lib/events.js';
import { DEFAULT_HISTORY_LIMIT } from '../../lib/history.js';
import { createPlan } from '../../lib/plan.js';
import { renderDot, renderMermaid } from '../../lib/render/graph.js';
import { renderDryRun, renderList } from '../../lib/render/plan.js';
import { renderGantt } from '../../lib/report/gantt.js';
import type { RunReport } from '../../lib/report/json.js';
import { createProgress } from '../../lib/report/progress.js';
import { createTerminalReporter, type OutputMode } from '../../lib/report/terminal.js';
import { toTrace } from '../../lib/report/trace.js';
import { checkRunOptions, startRun } from '../../lib/run.js';
import { loadProject } from '../project.js';
import { interruptOnSignals } from '../signals.js';
import { colorLevel, columns, stdoutScreen } from '../terminal.js';

export interface RunArgs {
  targets?: string[];
  file?: string;
  color?: boolean;
  jobs?: number;
  keepGoing: boolean;
  schedule: SchedulePolicy;
  dryRun: boolean;
  list: boolean;
  graph?: string;
  report?: string;
  output: OutputMode;
  grace: number;
  summary: boolean;
  gantt: boolean;
  profile?: string;
  history: boolean;
  historyLimit: number;
  progress?: boolean;
}

export const EXIT_INTERRUPTED = 130;

export function exitCodeFor(report: RunReport): number {
  if (report.status === 'ok') return 0;
  return report.status === 'interrupted' ? EXIT_INTERRUPTED : 1;
}

/** Fails before anything runs if an output file could not be written where asked. */
export function checkOutputFile(option: string, file: string | undefined): void {
  if (file === undefined) return;
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OutputFileError(option, file, `directory ${dir} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new OutputFileError(option, file, 'it is a directory');
}

/** Writes whole or not at all: a temp file renamed over the target. */
export function writeFileAtomic(option: string, file: string, text: string): void {
  const target = path.resolve(file);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new OutputFileError(option, file, (error as Error).message);
  }
}

export function checkHistoryLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--history-limit must be a whole number of at least 1 (got ${limit})`);
}

export function checkGrace(grace: number): void {
  if (!(grace >= 0)) throw new UsageError(`--grace must be a number of seconds, 0 or more (got ${grace})`);
}

const COMMANDS = ['run', 'compare', 'history', 'report'];

/** `stagerun comapre deploy` reads as targets: if the first one is close to a command, say so. */
function planOrSuggestCommand(resolved: ResolvedPipeline, targets: string[]) {
  try {
    return createPlan(resolved, targets);
  } catch (error) {
    if (error instanceof UnknownTargetError && error.target === targets[0]) {
      const command = closest(error.target, COMMANDS);
      if (command) error.hints.push(`or did you mean the command: stagerun ${command} ${targets.slice(1).join(' ')}`.trimEnd());
    }
    throw error;
  }
}

export async function runCommand(args: RunArgs): Promise<number> {
  checkRunOptions({ jobs: args.jobs, schedule: args.schedule });
  checkGrace(args.grace);
  checkHistoryLimit(args.historyLimit ?? DEFAULT_HISTORY_LIMIT);
  const graph = args.graph === undefined ? undefined : args.graph === '' ? 'dot' : args.graph;
  if (graph !== undefined && graph !== 'dot' && graph !== 'mermaid') {
    throw new UsageError(`--graph must be dot or mermaid (got ${JSON.stringify(args.graph)})`);
  }
  checkOutputFile('--report', args.report);
  checkOutputFile('--profile', args.profile);
  const { resolved, history } = await loadProject(args);
  const print = (lines: string | string[]) =>
    void process.stdout.write(`${Array.isArray(lines) ? lines.join('\n') : lines}\n`);
  if (args.list) {
    print(renderList(resolved));
    return 0;
  }
  const plan = planOrSuggestCommand(resolved, args.targets ?? []);
  const jobs = args.jobs ?? availableParallelism();
  if (graph !== undefined) {
    print(graph === 'dot' ? renderDot(plan) : renderMermaid(plan));
    return 0;
  }
  if (args.dryRun) {
    print(renderDryRun(plan, jobs, args.schedule));
    return 0;
  }

  const durations = history.durations();
  const level = colorLevel(process.stdout, args.color);
  const screen = stdoutScreen();
  const sinks: Sink[] = [];
  // Progress goes first so that its line is gone before the final summary prints.
  if (args.progress ?? process.stdout.isTTY) sinks.push(createProgress({ screen, durations, width: columns }));
  sinks.push(createTerminalReporter({ screen, colorLevel: level, output: args.output, summary: args.summary }));
  if (args.history) sinks.push(history.recorder(args.historyLimit));

  const handle = await startRun(plan, {
    jobs,
    schedule: args.schedule,
    keepGoing: args.keepGoing,
    graceMs: args.grace * 1000,
    durations,
    sinks,
  });
  const release = interruptOnSignals(handle);
  const report = await handle.report.finally(release);
  if (args.gantt) print(['', ...renderGantt(report, { width: columns(), colorLevel: level })]);
  if (args.report) writeFileAtomic('--report', args.report, `${JSON.stringify(report, null, 2)}\n`);
  if (args.profile) writeFileAtomic('--profile', args.profile, `${JSON.stringify(toTrace(report))}\n`);
  return exitCodeFor(report);
}
