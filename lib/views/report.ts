/** A recorded run in the form `stagerun report --format` asks for. */
import { Chalk } from 'chalk';
import type { RunReport } from '../reports/run-report.js';
import { formatDuration, shownTargets } from '../util/format.js';
import type { TextReportFormat } from './formats.js';
import { renderGantt } from './gantt.js';
import { renderMermaidGantt } from './mermaid.js';
import { summaryTable } from './summary.js';
import { toTrace } from './trace.js';

export { REPORT_FORMATS, type ReportFormat, type TextReportFormat } from './formats.js';

/** The run's heading, its table of tasks (as a run ends with) and its critical path. */
export function renderRunTable(run: RunReport, colorLevel: 0 | 1 | 2 | 3 = 0): string[] {
  return [
    `${run.id}: ${shownTargets(run.targets)} -j${run.jobs} (${run.schedule}), ${run.status}, makespan ${formatDuration(run.makespanMs)}`,
    ...summaryTable(run, new Chalk({ level: colorLevel })),
    `critical path: ${run.criticalPath.join(' → ') || '—'}`,
  ];
}

export function renderRecordedRun(
  run: RunReport,
  format: TextReportFormat,
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
    case 'markdown':
      return renderMarkdown(run);
  }
}

/** A run for a Markdown page (a CI job summary, a pull request): a heading, the table, the Gantt chart. */
export function renderMarkdown(run: RunReport): string {
  const mark = run.status === 'ok' ? '✅' : run.status === 'interrupted' ? '⏹️' : run.status === 'needs-approval' ? '⏸️' : '❌';
  const shown = run.mergedFrom !== undefined ? `merged from ${run.mergedFrom} CI job${run.mergedFrom === 1 ? '' : 's'}` : `-j${run.jobs}`;
  return [
    `### ${mark} stagerun ${shownTargets(run.targets)}: ${run.status}, ${formatDuration(run.makespanMs)}`,
    '',
    `${run.tasks.filter((task) => task.command).length} tasks, ${shown}. Critical path: ${run.criticalPath.join(' → ') || '—'}.`,
    '',
    '```',
    ...summaryTable(run, new Chalk({ level: 0 })),
    '```',
    '',
    renderMermaidGantt(run),
  ].join('\n');
}
