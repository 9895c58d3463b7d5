/** A terminal Gantt chart of a run: one row per task on a shared time axis, the critical path highlighted. */
import { Chalk, type ChalkInstance } from 'chalk';
import { statusInfo, type TaskStatus } from '../events/events.js';
import type { RunReport, TaskReport } from '../reports/run-report.js';
import { formatDuration, padEnd, shortName, stageLabel, tickLabel } from '../util/format.js';
import { statusMark } from './summary.js';

export interface GanttOptions {
  /** Total width in columns. Default 100. */
  width?: number;
  colorLevel?: 0 | 1 | 2 | 3;
}

/** A tick step of 1, 2 or 5 × 10^k ms giving at most `maxTicks` ticks over `span`. */
export function tickStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

export function renderGantt(report: RunReport, options: GanttOptions = {}): string[] {
  const c = new Chalk({ level: options.colorLevel ?? 0 });
  const ran = report.tasks
    .filter((task): task is TaskReport & { startMs: number; endMs: number } => task.command && task.startMs !== null && task.endMs !== null)
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  if (ran.length === 0) return ['(no task ran)'];
  const critical = new Set(report.criticalPath);
  const nameWidth = Math.min(32, Math.max(...ran.map((task) => task.name.length)));
  const label = (task: TaskReport) => padEnd(shortName(task.name, nameWidth), nameWidth);
  const left = nameWidth + 2 + 3 + 1; // name, gap, stage column, gap
  const width = Math.max(20, (options.width ?? 100) - left - 12);
  const span = Math.max(report.makespanMs, 1);
  const column = (ms: number) => Math.round((ms / span) * width);

  const step = tickStep(span, Math.floor(width / 10));
  let axis = '';
  for (let at = 0; at <= span + 1e-9; at += step) {
    const text = tickLabel(at, step);
    const col = column(at);
    if (col >= axis.length) axis = axis.padEnd(col) + text;
  }
  const lines = [`${' '.repeat(left)}${c.dim(axis)}`];
  for (const task of ran) {
    const onPath = critical.has(task.name);
    const cells: string[] = [];
    const attempts = task.attempts.length > 0 ? task.attempts : [{ startMs: task.startMs, endMs: task.endMs }];
    let previousEnd: number | undefined;
    attempts.forEach((attempt, index) => {
      const from = Math.min(width - 1, column(attempt.startMs));
      const to = Math.max(from + 1, column(attempt.endMs));
      // The wait before a retry holds no slot: a dotted gap.
      if (previousEnd !== undefined) for (let col = previousEnd; col < from; col++) cells[col] = c.dim('·');
      const glyph = paint(index === attempts.length - 1 ? task.status : 'failed', onPath, c);
      for (let col = from; col < to; col++) cells[col] = glyph;
      previousEnd = to;
    });
    const row = Array.from({ length: cells.length }, (_, col) => cells[col] ?? ' ').join('');
    lines.push(`${label(task)}  ${stageLabel(task.stage).padStart(3)} ${row} ${suffix(task, c)}`);
  }
  // The legend names only what the chart shows.
  const shown = new Set(ran.map((task) => task.status));
  const legend = [`${c.magenta('█')} critical path`, `${c.cyan('▒')} other`];
  if (shown.has('no-change')) legend.push(`${c.green('░')} no change`);
  if (shown.has('failed') || ran.some((task) => task.attempts.length > 1)) legend.push(`${c.red('▓')} failed`);
  if (shown.has('timeout')) legend.push(`${c.red('▚')} timed out`);
  if (shown.has('interrupted')) legend.push(`${c.yellow('▓')} interrupted`);
  if (ran.some((task) => task.attempts.length > 1)) legend.push(`${c.dim('·')} waiting to retry`);
  lines.push(
    `${' '.repeat(left)}${legend.join('  ')}   makespan ${formatDuration(report.makespanMs)} at -j${report.jobs} (${report.schedule})`,
  );
  return lines;
}

/** One column of the bar of a task that ended with `status`: its own character and colour (an earlier attempt is drawn as failed). */
function paint(status: TaskStatus, onPath: boolean, c: ChalkInstance): string {
  const { char, colour } = statusInfo(status).bar[onPath ? 'onPath' : 'offPath'];
  return c[colour](char);
}

function suffix(task: TaskReport & { startMs: number; endMs: number }, c: ChalkInstance): string {
  const took = formatDuration(task.endMs - task.startMs);
  const retries = task.attempts.length > 1 ? c.yellow(` ↻ ${task.attempts.length} attempts`) : '';
  const info = statusInfo(task.status);
  if (task.status === 'ok') return `${c.dim(took)}${retries}`;
  if (info.ran && info.succeeded) return `${c.dim(took)} ${statusMark(task.status, c)} ${info.label}${retries}`;
  return `${statusMark(task.status, c)} ${c.red(task.status)}${retries}`;
}
