/** `stagerun report [--run ID | --last] --format mermaid|gantt|trace|json|table`: show a recorded run. */
import path from 'node:path';
import { DeployfileNotFoundError, HistoryError, UsageError } from '../../lib/errors.js';
import { REPORT_PATTERN } from '../../lib/export/shared.js';
import { createPlan, type Plan } from '../../lib/plan/plan.js';
import { appendHistory, findRun } from '../../lib/reports/history.js';
import { mergeReports, readReports } from '../../lib/reports/merge.js';
import { type ReportFormat, renderRecordedRun } from '../../lib/views/report.js';
import { list } from '../args.js';
import type { CliIo } from '../io.js';
import { historyFor, loadProject, locateDeployfile } from '../project.js';
import { colorLevel, columnsOf } from '../terminal.js';
import type { ReportArgs } from './report-spec.js';

export async function reportCommand(args: ReportArgs, io: CliIo): Promise<number> {
  if (args.run !== undefined && args.last) throw new UsageError('give --run ID or --last, not both');
  if (args.merge !== undefined) return mergeCommand(args, io);
  const history = historyFor(locateDeployfile(args, io), io);
  const runs = history.runs();
  if (runs.length === 0) {
    const error = new HistoryError(`no runs recorded yet (${history.file})`);
    error.hints.push('run the pipeline first; every run is recorded unless --no-history');
    throw error;
  }
  const run = args.run !== undefined ? findRun(runs, args.run) : runs[runs.length - 1]!;
  const text = renderRecordedRun(run, args.format as ReportFormat, {
    width: columnsOf(io.stdout),
    colorLevel: colorLevel(io.stdout, args.color, io.env),
  });
  io.stdout.write(`${text}\n`);
  return 0;
}

/**
 * --merge: the run reports of CI jobs (files, directories of them, or a pattern; by default
 * the exported jobs' `stagerun-report-*.json` here) as one run, with the
 * deployfile's dependencies when there is one; --record keeps it in history, so that CI
 * timings weigh local priorities and simulations.
 */
async function mergeCommand(args: ReportArgs, io: CliIo): Promise<number> {
  if (args.run !== undefined || args.last) throw new UsageError('--merge shows the merged run; it takes no --run or --last');
  const paths = list(args.merge).map((entry) => path.resolve(io.cwd, entry));
  const { reports } = readReports(paths.length > 0 ? paths : [path.resolve(io.cwd, REPORT_PATTERN)], io.cwd);
  let plan: Plan | undefined;
  let deployfile: string | undefined;
  try {
    const project = await loadProject(args, io);
    deployfile = project.file;
    const names = reports.flatMap((report) => report.tasks.map((task) => task.name)).filter((name) => project.resolved.byName.has(name));
    plan = names.length > 0 ? createPlan(project.resolved, [...new Set(names)], { noDeps: true }) : undefined;
  } catch (error) {
    // Without a deployfile the merge still works, only without the dependencies between jobs.
    if (!(error instanceof DeployfileNotFoundError)) throw error;
  }
  const merged = mergeReports(reports, plan);
  if (args.record) {
    if (!deployfile) throw new UsageError('--record needs a deployfile: its history is where the merged run goes');
    appendHistory(historyFor(deployfile, io).file, merged);
  }
  const text = renderRecordedRun(merged, args.format as ReportFormat, {
    width: columnsOf(io.stdout),
    colorLevel: colorLevel(io.stdout, args.color, io.env),
  });
  io.stdout.write(`${text}\n`);
  return 0;
}
