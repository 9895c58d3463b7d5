/** A recorded run in the form `stagerun report --format` asks for. */
import { Chalk } from 'chalk';
import { formatDuration } from '../format.js';
import { renderGantt } from '../report/gantt.js';
import { renderMermaidGantt } from '../report/mermaid.js';
import { summaryTable } from '../report/summary.js';
import { toTrace } from '../report/trace.js';
import type { RunReport } from '../run-report.js';

export const REPORT_FORMATS = ['mermaid', 'gantt', 'trace', 'json', 'table'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The run's heading, its table of tasks (as a run ends with) and its critical path. */
export function renderRunTable(run: RunReport, colorLevel: 0 | 1 | 2 | 3 = 0): string[] {
  return [
    `${run.id}: ${run.targets.join(' ')} -j${run.jobs} (${run.schedule}), ${run.status}, makespan ${formatDuration(run.makespanMs)}`,
    ...summaryTable(run, new Chalk({ level: colorLevel })),
    `critical path: ${run.criticalPath.join(' → ') || '—'}`,
  ];
}

export function renderRecordedRun(
  run: RunReport,
  format: ReportFormat,
  options: { width?: number; colorLevel?: 0 | 1 | 2 | 3 } = {},
): string {
  switch (format) {
    case 'mermaid':
      return renderMermaidGantt(run);
    case 'gantt':
      return renderGantt(run, options).join('\n');
    case 'trace':
      return JSON.stringify(toTrace(run));
    case 'json':
      return JSON.stringify(run, null, 2);
    case 'table':
      return renderRunTable(run, options.colorLevel).join('\n');
  }
}
