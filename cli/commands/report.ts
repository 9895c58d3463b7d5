/** `stagerun report [--run ID | --last] --format mermaid|gantt|trace|json|table|markdown|html`: show a recorded run. */
import path from 'node:path';
import { DeployfileNotFoundError, HistoryError, UsageError } from '../../lib/errors.js';
import { REPORT_PATTERN } from '../../lib/export/shared.js';
import { createPlan, type Plan } from '../../lib/plan/plan.js';
import { appendHistory, findRun } from '../../lib/reports/history.js';
import { mergeReports, readReports } from '../../lib/reports/merge.js';
import type { RunReport } from '../../lib/reports/run-report.js';
import { type ReportFormat, renderRecordedRun } from '../../lib/views/report.js';
import { list } from '../args.js';
import type { CliIo } from '../io.js';
import { historyFor, loadProject, locateDeployfile } from '../project.js';
import { colorLevel, columnsOf } from '../terminal.js';
import { htmlPage, type PageSources, projectFor } from './report-html.js';
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
  const sources = async (): Promise<PageSources> => ({ runs, project: await projectFor(() => loadProject(args, io)) });
  io.stdout.write(`${await shown(run, args, io, sources)}\n`);
  return 0;
}

/** The run in the form asked for; the page also shows what history and the deployfile say of it. */
async function shown(run: RunReport, args: ReportArgs, io: CliIo, sources: () => Promise<PageSources>): Promise<string> {
  const format = args.format as ReportFormat;
  if (format === 'html') return htmlPage(run, await sources(), io);
  return renderRecordedRun(run, format, { width: columnsOf(io.stdout), colorLevel: colorLevel(io.stdout, args.color, io.env) });
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
  let project: Awaited<ReturnType<typeof loadProject>> | undefined;
  try {
    const loaded = await loadProject(args, io);
    project = loaded;
    deployfile = loaded.file;
    const names = reports.flatMap((report) => report.tasks.map((task) => task.name)).filter((name) => loaded.resolved.byName.has(name));
    plan = names.length > 0 ? createPlan(loaded.resolved, [...new Set(names)], { noDeps: true }) : undefined;
  } catch (error) {
    // Without a deployfile the merge still works, only without the dependencies between jobs.
    if (!(error instanceof DeployfileNotFoundError)) throw error;
  }
  const merged = mergeReports(reports, plan);
  if (args.record) {
    if (!deployfile) throw new UsageError('--record needs a deployfile: its history is where the merged run goes');
    appendHistory(historyFor(deployfile, io).file, merged);
  }
  const sources = async (): Promise<PageSources> =>
    project
      ? { runs: project.history.runs(), project }
      : { runs: [], project: { unavailable: 'there is no deployfile here, so nothing to simulate' } };
  io.stdout.write(`${await shown(merged, args, io, sources)}\n`);
  return 0;
}
