/** `stagerun report [--run ID | --last] --format mermaid|gantt|trace|json|table`: show a recorded run. */
import { HistoryError, UsageError } from '../../lib/errors.js';
import { Chalk } from 'chalk';
import { formatDuration } from '../../lib/format.js';
import { summaryTable } from '../../lib/report/summary.js';
import { renderGantt } from '../../lib/report/gantt.js';
import type { RunReport } from '../../lib/report/json.js';
import { renderMermaidGantt } from '../../lib/report/mermaid.js';
import { toTrace } from '../../lib/report/trace.js';
import { locateDeployfile, openHistory } from '../project.js';
import { colorLevel, columns, type ColorLevel } from '../terminal.js';

export const REPORT_FORMATS = ['mermaid', 'gantt', 'trace', 'json', 'table'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportArgs {
  file?: string;
  run?: string;
  last: boolean;
  format: ReportFormat;
  color?: boolean;
}

/** The run with this id, or the only one whose id contains it (ids are long). */
export function findRun(runs: readonly RunReport[], id: string): RunReport {
  const exact = runs.find((run) => run.id === id);
  if (exact) return exact;
  const matches = runs.filter((run) => run.id.includes(id));
  if (matches.length === 1) return matches[0]!;
  const recent = runs.slice(-5).map((run) => run.id).reverse();
  const error = new HistoryError(
    matches.length === 0 ? `no recorded run has the id '${id}'` : `'${id}' matches ${matches.length} runs; give more of the id`,
  );
  error.hints.push(`latest runs: ${recent.join(', ') || '(none)'}; see stagerun history`);
  throw error;
}

function renderTable(run: RunReport, level: ColorLevel): string[] {
  return [
    `${run.id}: ${run.targets.join(' ')} -j${run.jobs} (${run.schedule}), ${run.status}, makespan ${formatDuration(run.makespanMs)}`,
    ...summaryTable(run, new Chalk({ level })),
    `critical path: ${run.criticalPath.join(' → ') || '—'}`,
  ];
}

export async function reportCommand(args: ReportArgs): Promise<number> {
  if (args.run !== undefined && args.last) throw new UsageError('give --run ID or --last, not both');
  const history = openHistory(locateDeployfile(args));
  const runs = history.runs();
  if (runs.length === 0) {
    const error = new HistoryError(`no runs recorded yet (${history.file})`);
    error.hints.push('run the pipeline first; every run is recorded unless --no-history');
    throw error;
  }
  const run = args.run !== undefined ? findRun(runs, args.run) : runs[runs.length - 1]!;
  let text: string;
  switch (args.format) {
    case 'mermaid':
      text = renderMermaidGantt(run);
      break;
    case 'gantt':
      text = renderGantt(run, { width: columns(), colorLevel: colorLevel(process.stdout, args.color) }).join('\n');
      break;
    case 'trace':
      text = JSON.stringify(toTrace(run));
      break;
    case 'json':
      text = JSON.stringify(run, null, 2);
      break;
    case 'table':
      text = renderTable(run, colorLevel(process.stdout, args.color)).join('\n');
      break;
  }
  process.stdout.write(`${text}\n`);
  return 0;
}
