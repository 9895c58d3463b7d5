/** A terminal Gantt chart of a run: one row per task on a shared time axis, the critical path highlighted. */
import { Chalk } from 'chalk';
import { formatDuration, padEnd, stageLabel } from '../format.js';
import type { RunReport, TaskReport } from './json.js';

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
  const label = (task: TaskReport) => padEnd(task.name.length > nameWidth ? `${task.name.slice(0, nameWidth - 1)}…` : task.name, nameWidth);
  const left = nameWidth + 2 + 3 + 1; // name, gap, stage column, gap
  const width = Math.max(20, (options.width ?? 100) - left - 12);
  const span = Math.max(report.makespanMs, 1);
  const column = (ms: number) => Math.round((ms / span) * width);

  const step = tickStep(span, Math.floor(width / 10));
  let axis = '';
  for (let at = 0; at <= span + 1e-9; at += step) {
    const text = at === 0 ? '0' : formatDuration(at).replace(/\.00s$/, 's');
    const col = column(at);
    if (col >= axis.length) axis = axis.padEnd(col) + text;
  }
  const lines = [`${' '.repeat(left)}${c.dim(axis)}`];
  for (const task of ran) {
    const start = Math.min(width - 1, column(task.startMs));
    const end = Math.max(start + 1, column(task.endMs));
    const onPath = critical.has(task.name);
    const bar = (onPath ? '█' : '▒').repeat(end - start);
    const painted = task.status === 'ok' ? (onPath ? c.magenta(bar) : c.cyan(bar)) : c.red(bar);
    const suffix = task.status === 'ok' ? c.dim(formatDuration(task.endMs - task.startMs)) : c.red(`✗ ${task.status}`);
    lines.push(`${label(task)}  ${stageLabel(task.stage).padStart(3)} ${' '.repeat(start)}${painted} ${suffix}`);
  }
  lines.push(
    `${' '.repeat(left)}${c.magenta('█')} critical path  ${c.cyan('▒')} other   makespan ${formatDuration(report.makespanMs)} at -j${report.jobs} (${report.schedule})`,
  );
  return lines;
}
