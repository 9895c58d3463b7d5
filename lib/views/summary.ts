/** The table of a run's tasks (stage, start, duration, status): printed at the end of a run and by `stagerun report`. */
import type { ChalkInstance } from 'chalk';
import type { TaskStatus } from '../events/events.js';
import type { RunReport, TaskReport } from '../reports/run-report.js';
import { formatDuration, stageLabel, table } from '../util/format.js';

/** Each status's mark: one column wide, so that tables stay aligned. */
export function statusMark(status: TaskStatus, c: ChalkInstance): string {
  switch (status) {
    case 'ok':
      return c.green('✓');
    case 'no-change':
      return c.green('○');
    case 'up-to-date':
      return c.dim('≡');
    case 'failed':
      return c.red('✗');
    case 'timeout':
      return c.red('⧖');
    case 'needs-approval':
      return c.yellow('?');
    case 'interrupted':
      return c.yellow('■');
    case 'skipped':
    case 'cancelled':
      return c.dim('-');
  }
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
      task.name,
      stageLabel(task.stage),
      task.startMs === null ? '—' : formatDuration(task.startMs),
      task.durationMs === null ? '—' : formatDuration(task.durationMs),
      ...(waited ? [task.approvalWaitMs === null ? '—' : formatDuration(task.approvalWaitMs)] : []),
      statusText(task, c),
    ]);
  }
  return table(rows, waited ? [2, 3, 4] : [2, 3]);
}
