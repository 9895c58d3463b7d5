/** The table of a run's tasks (stage, start, duration, status): printed at the end of a run and by `stagerun report`. */
import type { ChalkInstance } from 'chalk';
import type { TaskStatus } from '../events.js';
import { formatDuration, stageLabel, table } from '../format.js';
import type { RunReport } from './json.js';

export function statusMark(status: TaskStatus, c: ChalkInstance): string {
  switch (status) {
    case 'ok':
      return c.green('✓');
    case 'failed':
      return c.red('✗');
    case 'interrupted':
      return c.yellow('■');
    case 'skipped':
    case 'cancelled':
      return c.dim('-');
  }
}

/** One row per task with a command (goals left out), times aligned right. */
export function summaryTable(report: RunReport, c: ChalkInstance): string[] {
  const rows = [['task', 'stage', 'start', 'duration', 'status'].map((header) => c.bold(header))];
  for (const task of report.tasks) {
    if (!task.command) continue;
    rows.push([
      task.name,
      stageLabel(task.stage),
      task.startMs === null ? '—' : formatDuration(task.startMs),
      task.durationMs === null ? '—' : formatDuration(task.durationMs),
      `${statusMark(task.status, c)} ${task.status}`,
    ]);
  }
  return table(rows, [2, 3]);
}
