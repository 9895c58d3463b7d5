/**
 * The table of tasks: how each one went in this run, what history says it usually takes
 * (p50, p95, success rate, a small trend of its recent durations) and, for a task that did
 * not succeed, the last lines it printed (masked when they were recorded).
 */
import type { RunReport, TaskReport } from '../../reports/run-report.js';
import { type TaskStats, taskStats } from '../../reports/stats.js';
import { formatDuration, stageLabel } from '../../util/format.js';
import { escapeHtml, px } from './escape.js';
import { fillOf, inkOf, labelOf, shownStatus } from './statuses.js';

/** How many of a task's recent successful durations its trend draws. */
export const TREND_POINTS = 12;

const HEAD = ['task', 'status', 'stage', 'took', 'attempts', 'approval wait', 'p50', 'p95', 'success', 'trend', 'why'];

export function taskTable(run: RunReport, history: readonly RunReport[]): string {
  const stats = new Map(taskStats(history).map((stat) => [stat.name, stat]));
  const trends = durationTrends(history);
  const critical = new Set(run.criticalPath);
  const rows = run.tasks.flatMap((task) => {
    const row = taskRow(task, stats.get(task.name), trends.get(task.name) ?? [], critical.has(task.name));
    return task.tail !== undefined || failedWithoutTail(task) ? [row, tailRow(task)] : [row];
  });
  return [
    '<table class="tasks">',
    `<thead><tr>${HEAD.map((head) => `<th>${head}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
  ].join('\n');
}

function failedWithoutTail(task: TaskReport): boolean {
  return task.command && (task.status === 'failed' || task.status === 'timeout') && task.tail === undefined;
}

const ms = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : formatDuration(value);

function taskRow(task: TaskReport, stats: TaskStats | undefined, trend: readonly number[], critical: boolean): string {
  const status = shownStatus(task);
  const fill = fillOf(status);
  const cells = [
    `<th scope="row" class="name">${escapeHtml(task.name)}${critical ? ' <span class="on-path" title="on the critical path">◆</span>' : ''}</th>`,
    `<td class="status">${swatch(fill)} ${escapeHtml(labelOf(status))}</td>`,
    `<td class="num">${escapeHtml(stageLabel(task.stage))}</td>`,
    `<td class="num">${ms(task.durationMs)}</td>`,
    `<td class="num">${task.attempts.length}</td>`,
    `<td class="num">${ms(task.approvalWaitMs)}</td>`,
    `<td class="num">${ms(stats?.p50Ms)}</td>`,
    `<td class="num">${ms(stats?.p95Ms)}</td>`,
    `<td class="num">${stats ? `${Math.round(stats.successRate * 100)}% of ${stats.runs}` : '–'}</td>`,
    `<td>${sparkline(trend)}</td>`,
    `<td class="why">${escapeHtml(task.reason ?? '')}</td>`,
  ];
  return `<tr data-task="${escapeHtml(task.name)}" data-status="${status}"${critical ? ' data-critical="true"' : ''}>${cells.join('')}</tr>`;
}

/** A square of the status's colour (an SVG, so that it prints and needs no style attribute). */
export function swatch(fill: string): string {
  const stroke = inkOf(fill) === '#ffffff' ? fill : '#868e96';
  return `<svg class="swatch" width="10" height="10" aria-hidden="true"><rect x="0.5" y="0.5" width="9" height="9" rx="2" fill="${fill}" stroke="${stroke}"/></svg>`;
}

function tailRow(task: TaskReport): string {
  const lines = task.tail ?? [];
  const body =
    lines.length > 0
      ? `<details open><summary>last ${lines.length} line${lines.length === 1 ? '' : 's'} of ${escapeHtml(task.name)}</summary><pre class="tail" data-task="${escapeHtml(task.name)}">${lines.map(escapeHtml).join('\n')}</pre></details>`
      : `<p class="no-tail">${escapeHtml(task.name)}: no output was recorded</p>`;
  return `<tr class="tail-row" data-tail-of="${escapeHtml(task.name)}"><td colspan="${HEAD.length}">${body}</td></tr>`;
}

/** Each task's durations over its last successful runs, oldest first. */
export function durationTrends(history: readonly RunReport[], points = TREND_POINTS): Map<string, number[]> {
  const trends = new Map<string, number[]>();
  for (let i = history.length - 1; i >= 0; i--) {
    for (const task of history[i]!.tasks) {
      if (!task.command || task.durationMs === null || (task.status !== 'ok' && task.status !== 'no-change')) continue;
      const trend = trends.get(task.name) ?? [];
      if (trend.length < points) trend.unshift(task.durationMs);
      trends.set(task.name, trend);
    }
  }
  return trends;
}

/** A small line of durations (oldest left), the latest a dot; empty below two points. */
export function sparkline(values: readonly number[]): string {
  if (values.length < 2) return '';
  const width = 72;
  const height = 18;
  const low = Math.min(...values);
  const high = Math.max(...values);
  const y = (value: number) => (high === low ? height / 2 : height - 2 - ((value - low) / (high - low)) * (height - 4));
  const x = (index: number) => 2 + (index / (values.length - 1)) * (width - 4);
  const points = values.map((value, index) => `${px(x(index))},${px(y(value))}`).join(' ');
  const last = values.length - 1;
  const title = `last ${values.length} successful runs: ${formatDuration(low)} to ${formatDuration(high)}, latest ${formatDuration(values[last]!)}`;
  return `<svg class="trend" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title><polyline points="${points}"/><circle cx="${px(x(last))}" cy="${px(y(values[last]!))}" r="2"/></svg>`;
}
