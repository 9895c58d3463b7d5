/** What a run's end prints: the table of tasks, each task that did not succeed with why and its last lines, and the closing line. */
import type { ChalkInstance } from 'chalk';
import { TASK_STATUSES, type TaskStatus } from '../events/events.js';
import { describeCommand } from '../model/model.js';
import type { Plan } from '../plan/plan.js';
import type { RunReport } from '../reports/run-report.js';
import { formatDuration } from '../util/format.js';
import { statusMark, summaryTable } from '../views/summary.js';
import type { Screen } from './screen.js';
import { problemHeading, verdictMark } from './terminal-text.js';

export function printFinalSummary(
  screen: Screen,
  report: RunReport,
  plan: Plan,
  kept: { tails: { get(id: number): readonly string[] | undefined }; firstErrors: ReadonlyMap<number, readonly string[]> },
  c: ChalkInstance,
  options: { summary: boolean; quiet: boolean },
): void {
  const { quiet } = options;
  if (options.summary && !quiet) {
    screen.print('');
    for (const line of summaryTable(report, c)) screen.print(line);
  }
  report.tasks.forEach((task, id) => {
    const heading = problemHeading(task, c);
    if (heading === undefined) return;
    const planned = plan.tasks[id]!;
    const tail = kept.tails.get(id) ?? [];
    // The first lines that look like errors, unless the tail shows them anyway.
    const errors = (kept.firstErrors.get(id) ?? []).filter((line) => !tail.includes(line));
    screen.print('');
    screen.print(`${statusMark(task.status, c)} ${c.bold(task.name)} ${heading}`);
    if (task.status === 'needs-approval') return;
    if (task.attempts.length > 1)
      screen.print(
        c.dim(
          `  attempts: ${task.attempts.map((attempt) => `${attempt.number}: ${attempt.outcome}${attempt.exitCode !== null ? ` ${attempt.exitCode}` : ''} after ${formatDuration(attempt.durationMs)}`).join('; ')}`,
        ),
      );
    screen.print(c.dim(`  command: ${describeCommand(planned.run, planned.args)}   (in ${planned.cwd})`));
    if (errors.length > 0) {
      screen.print(c.dim(`  first lines that look like errors:`));
      for (const line of errors) screen.print(`  ${c.dim('│')} ${line}`);
    }
    if (tail.length > 0) {
      screen.print(c.dim(`  last ${tail.length === 1 ? 'line' : `${tail.length} lines`} of output:`));
      for (const line of tail) screen.print(`  ${c.dim('│')} ${line}`);
    } else {
      screen.print(c.dim('  (no output)'));
    }
  });
  const counts = new Map<TaskStatus, number>();
  for (const task of report.tasks) if (task.command) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  const flaky = report.tasks.filter((task) => task.flaky).length;
  const tally = [
    ...TASK_STATUSES.filter((status) => counts.get(status)).map((status) => `${counts.get(status)} ${status}`),
    ...(flaky > 0 ? [`${flaky} flaky`] : []),
  ].join(', ');
  const waits = report.tasks.map((task) => task.approvalWaitMs ?? 0).reduce((sum, ms) => sum + ms, 0);
  if (!quiet) screen.print('');
  if (report.criticalPath.length > 0 && !quiet) screen.print(`${c.dim('critical path:')} ${report.criticalPath.join(c.dim(' → '))}`);
  const what = `${report.targets.join(' ')} ${c.dim(`(-j${report.jobs}, ${report.schedule})`)}`;
  const waited = waits >= 1 ? ` (${formatDuration(waits)} of it waiting for approval)` : '';
  screen.print(
    `${verdictMark(report.status, c)} ${what}: ${tally || 'nothing to run'}; makespan ${c.bold(formatDuration(report.makespanMs))}${waited}`,
  );
}
