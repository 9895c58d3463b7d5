/** `stagerun [targets..]`: load, check, plan, then list, draw, dry-run or run. */
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../lib/errors.js';
import type { SchedulePolicy } from '../../lib/events.js';
import { findDeployfile, loadDeployfile } from '../../lib/load.js';
import { createPlan, validatePipeline } from '../../lib/plan.js';
import { renderDot, renderMermaid } from '../../lib/render/graph.js';
import { renderDryRun, renderList } from '../../lib/render/plan.js';
import { createTerminalReporter, type OutputMode } from '../../lib/report/terminal.js';
import type { RunReport } from '../../lib/report/json.js';
import { checkRunOptions, startRun } from '../../lib/run.js';
import { availableParallelism } from 'node:os';
import { colorLevel, stdoutScreen } from '../terminal.js';
import { interruptOnSignals } from '../signals.js';

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
}

export const EXIT_INTERRUPTED = 130;

export function exitCodeFor(report: RunReport): number {
  if (report.status === 'ok') return 0;
  return report.status === 'interrupted' ? EXIT_INTERRUPTED : 1;
}

/** Writes whole or not at all: a temp file renamed over the target. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export async function loadPlanInputs(args: { file?: string }) {
  const file = findDeployfile(process.cwd(), args.file);
  const pipeline = await loadDeployfile(file);
  return { file, resolved: validatePipeline(pipeline) };
}

export async function runCommand(args: RunArgs): Promise<number> {
  checkRunOptions({ jobs: args.jobs, schedule: args.schedule });
  if (!(args.grace >= 0)) throw new UsageError(`--grace must be a number of seconds, 0 or more (got ${args.grace})`);
  const graph = args.graph === undefined ? undefined : args.graph === '' ? 'dot' : args.graph;
  if (graph !== undefined && graph !== 'dot' && graph !== 'mermaid') {
    throw new UsageError(`--graph must be dot or mermaid (got ${JSON.stringify(args.graph)})`);
  }
  const { resolved } = await loadPlanInputs(args);
  const print = (lines: string | string[]) =>
    void process.stdout.write(`${Array.isArray(lines) ? lines.join('\n') : lines}\n`);
  if (args.list) {
    print(renderList(resolved));
    return 0;
  }
  const plan = createPlan(resolved, args.targets ?? []);
  const jobs = args.jobs ?? availableParallelism();
  if (graph !== undefined) {
    print(graph === 'dot' ? renderDot(plan) : renderMermaid(plan));
    return 0;
  }
  if (args.dryRun) {
    print(renderDryRun(plan, jobs, args.schedule));
    return 0;
  }
  const terminal = createTerminalReporter({
    screen: stdoutScreen(),
    colorLevel: colorLevel(process.stdout, args.color),
    output: args.output,
    summary: args.summary,
  });
  const handle = await startRun(plan, {
    jobs,
    schedule: args.schedule,
    keepGoing: args.keepGoing,
    graceMs: args.grace * 1000,
    sinks: [terminal],
  });
  const release = interruptOnSignals(handle);
  const report = await handle.report.finally(release);
  if (args.report) writeFileAtomic(path.resolve(args.report), `${JSON.stringify(report, null, 2)}\n`);
  return exitCodeFor(report);
}
