/** The top of the page: how the run ended, its facts, the legend, and what other -j would have taken. */
import { TASK_STATUSES } from '../../events/events.js';
import type { RunReport } from '../../reports/run-report.js';
import { machineOf } from '../../reports/run-report.js';
import type { CompareRow } from '../../run/compare.js';
import { formatDuration, shownTargets } from '../../util/format.js';
import { escapeHtml } from './escape.js';
import { fillOf, labelOf, type ShownStatus, shownStatus } from './statuses.js';
import { swatch } from './task-table.js';

/** What `compare --simulate` predicts from the history, or why the page has no prediction. */
export type Predictions = { rows: readonly CompareRow[]; note: string } | { unavailable: string };

export function header(run: RunReport, predictions: Predictions | undefined): string {
  const machine = machineOf(run);
  const facts: [string, string][] = [
    ['target', shownTargets(run.targets)],
    run.mergedFrom !== undefined ? ['CI jobs', String(run.mergedFrom)] : ['-j', String(run.jobs)],
    ['policy', run.mergedFrom !== undefined ? 'the CI engine' : run.schedule],
    ['makespan', formatDuration(run.makespanMs)],
    ['machine', machine ? `${machine.name} (${machine.cores} core${machine.cores === 1 ? '' : 's'})` : 'not recorded'],
    ['started', run.startedAt],
    ['run', run.id],
  ];
  if (run.simulated) facts.push(['simulated', 'yes: the times are predictions']);
  return [
    `<h1><span class="run-status rs-${escapeHtml(run.status)}">${escapeHtml(run.status)}</span> stagerun ${escapeHtml(shownTargets(run.targets))}</h1>`,
    `<dl class="facts">${facts.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`,
    `<p class="legend">${counts(run)}</p>`,
    `<p class="note">Critical path: ${escapeHtml(run.criticalPath.join(' → ') || '—')}</p>`,
    predictionTable(run, predictions),
  ].join('\n');
}

/** The statuses the run has, each with its colour and how many. */
function counts(run: RunReport): string {
  const shown = new Map<ShownStatus, number>();
  for (const task of run.tasks) shown.set(shownStatus(task), (shown.get(shownStatus(task)) ?? 0) + 1);
  const order: ShownStatus[] = [...TASK_STATUSES.slice(0, 1), 'flaky', ...TASK_STATUSES.slice(1)];
  return [
    ...order
      .filter((status) => shown.has(status))
      .map((status) => `<span data-count="${status}">${swatch(fillOf(status))} ${shown.get(status)} ${escapeHtml(labelOf(status))}</span>`),
    '<span><span class="on-path">◆</span> bold outline: the critical path</span>',
  ].join('');
}

function predictionTable(run: RunReport, predictions: Predictions | undefined): string {
  if (!predictions) return '';
  if ('unavailable' in predictions)
    return `<p class="note predictions">No predictions at other -j: ${escapeHtml(predictions.unavailable)}</p>`;
  const rows = predictions.rows.map((row) => {
    const here = run.mergedFrom === undefined && row.jobs === run.jobs && row.schedule === run.schedule;
    return `<tr data-jobs="${row.jobs}"><td class="num${row.picked ? ' picked' : ''}">-j${row.jobs}</td><td class="num${row.picked ? ' picked' : ''}">${formatDuration(row.makespanMs)}${row.ok ? '' : ' ✗'}</td><td class="num">${row.speedup.toFixed(2)}×</td><td>${row.picked ? 'pick' : ''}${here ? `${row.picked ? ', ' : ''}this run: ${formatDuration(run.makespanMs)}` : ''}</td></tr>`;
  });
  return [
    '<section class="predictions" aria-label="predicted makespans">',
    '<h2>At other -j (compare --simulate)</h2>',
    '<table><thead><tr><th class="num">N</th><th class="num">predicted</th><th class="num">speedup</th><th></th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    `<p class="note">${escapeHtml(predictions.note)}</p>`,
    '</section>',
  ].join('\n');
}
