/**
 * A recorded run as one self-contained HTML page (`stagerun report --format html`): the
 * header with what other -j would take, the pipeline as a graph, the Gantt chart per slot
 * and the table of tasks. Nothing is fetched: style, script and pictures (SVG) are inline,
 * and a Content-Security-Policy lets only those two run, so that the file opens offline and
 * a task's name or output can never become markup that acts.
 */
import { createHash } from 'node:crypto';
import { RUN_STATUS_TABLE, type RunStatus } from '../../events/events.js';
import type { RunReport } from '../../reports/run-report.js';
import { formatDuration, shownTargets } from '../../util/format.js';
import { SCRIPT, STYLE } from './assets.js';
import { escapeHtml } from './escape.js';
import { ganttSvg } from './gantt-svg.js';
import { graphSvg } from './graph-svg.js';
import { header, type Predictions } from './header.js';
import { fillOf, inkOf } from './statuses.js';
import { taskTable } from './task-table.js';

export type { Predictions } from './header.js';

export interface HtmlReportOptions {
  /** Recorded runs, oldest first, for each task's p50, p95, success rate and trend (default: this run alone). */
  history?: readonly RunReport[];
  /** What other -j would take; absent: the header says nothing of it. */
  predictions?: Predictions;
  /** Shown at the foot. */
  version?: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The run's status badge colours, one rule per run status (the page has no style attributes: its policy forbids them). */
function statusRules(): string {
  return (Object.keys(RUN_STATUS_TABLE) as RunStatus[])
    .map((status) => `.rs-${status} { background: ${fillOf(status)}; color: ${inkOf(fillOf(status))}; }`)
    .join('\n');
}

export function renderHtmlReport(run: RunReport, options: HtmlReportOptions = {}): string {
  const style = `${STYLE}${statusRules()}\n`;
  const policy = `default-src 'none'; style-src ${sha256(style)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const title = `stagerun ${shownTargets(run.targets)}: ${run.status}, ${formatDuration(run.makespanMs)}`;
  const ran = run.tasks.some((task) => task.attempts.length > 0);
  const history = options.history ?? [run];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="stagerun${options.version ? ` ${escapeHtml(options.version)}` : ''}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    `<body data-run="${escapeHtml(run.id)}" data-status="${escapeHtml(run.status)}">`,
    '<header>',
    header(run, options.predictions),
    '</header>',
    '<section id="pipeline" aria-label="pipeline">',
    '<h2>Pipeline</h2>',
    `<div class="scroll">${graphSvg(run)}</div>`,
    '</section>',
    '<section id="timeline" aria-label="timeline">',
    `<h2>Timeline${run.mergedFrom !== undefined ? ' (one lane per CI job)' : ` (one lane per slot used, -j${escapeHtml(String(run.jobs))})`}</h2>`,
    ran ? `<div class="scroll">${ganttSvg(run)}</div>` : '<p class="note">No task ran.</p>',
    '<p class="legend">Bars: each attempt, in its task\'s colour (an earlier failed attempt in red). Dashed red: waiting to retry. Hatched: waiting for an approval, which holds no slot.</p>',
    '</section>',
    '<section id="tasks" aria-label="tasks">',
    '<h2>Tasks</h2>',
    `<div class="scroll">${taskTable(run, history)}</div>`,
    `<p class="note">p50, p95, success and trend: over ${history.length} recorded run${history.length === 1 ? '' : 's'}. Output lines were masked when the run recorded them.</p>`,
    '</section>',
    `<footer>stagerun${options.version ? ` ${escapeHtml(options.version)}` : ''} · run ${escapeHtml(run.id)} · ${escapeHtml(run.deployfile ?? '')}</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
