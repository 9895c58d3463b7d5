/** The table of a run's tasks (stage, start, duration, status): printed at the end of a run and by `stagerun report`. */
import type { ChalkInstance } from 'chalk';
import { statusInfo, type TaskStatus } from '../events/events.js';
import type { RunReport, TaskReport } from '../reports/run-report.js';
import { formatDuration, MAX_NAME_COLUMN, shortName, stageLabel, table } from '../util/format.js';

/** Each status's mark, in its colour: one column wide, so that tables stay aligned. */
export function statusMark(status: TaskStatus, c: ChalkInstance): string {
  const { mark, colour } = statusInfo(status);
  return c[colour](mark);
}

/** The status as the table shows it: with the attempts it took when it took more than one. */
export function statusText(task: TaskReport, c: ChalkInstance): string {
  const attempts = task.attempts.length;
  const note = task.flaky ? c.yellow(` (flaky: ${attempts} attempts)`) : attempts > 1 ? ` (${attempts} attempts)` : '';
  return `${statusMark(task.status, c)} ${task.status}${note}`;
}

/** One row per task with a command (goals left out), times aligned right; a column for approval waits when there were any. */
export function summaryTable(report: RunReport, c: ChalkInstance): string[] {
  const waited = report.tasks.some((task) => task.approvalWaitMs !== null);
  const header = ['task', 'stage', 'start', 'duration', ...(waited ? ['approval wait'] : []), 'status'];
  const rows = [header.map((cell) => c.bold(cell))];
  for (const task of report.tasks) {
    if (!task.command) continue;
    rows.push([
      shortName(task.name, MAX_NAME_COLUMN),
      stageLabel(task.stage),
      task.startMs === null ? '—' : formatDuration(task.startMs),
      task.durationMs === null ? '—' : formatDuration(task.durationMs),
      ...(waited ? [task.approvalWaitMs === null ? '—' : formatDuration(task.approvalWaitMs)] : []),
      statusText(task, c),
    ]);
  }
  return table(rows, waited ? [2, 3, 4] : [2, 3]);
}
