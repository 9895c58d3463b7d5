/** The words the terminal sink prints for a run's events: pure, from the event to a line. */
import type { ChalkInstance } from 'chalk';
import { RUN_STATUS_TABLE, type RunStartEvent, type RunStatus, type RunStoppingEvent, type TaskEndEvent } from '../events/events.js';
import type { TaskReport } from '../reports/run-report.js';
import { formatDuration } from '../util/format.js';
import { unreachable } from '../util/never.js';
import { statusMark } from '../views/summary.js';

export function failureText(event: { exitCode: number | null; signal: string | null; reason: string | null }): string {
  if (event.reason) return event.reason;
  if (event.signal) return `killed by ${event.signal}`;
  return `exit code ${event.exitCode}`;
}

/** The line a task's end gets (undefined: none, as for a cancelled task, which is counted once at the end). */
export function endLine(event: TaskEndEvent, c: ChalkInstance): string | undefined {
  const took = event.startAt === null ? '' : ` in ${formatDuration(event.at - event.startAt)}`;
  const mark = statusMark(event.status, c);
  const retried = event.attempts.length > 1 ? `, attempt ${event.attempts.length}` : '';
  switch (event.status) {
    case 'ok':
      return `${mark} ok${took}${retried ? c.yellow(` (flaky${retried})`) : ''}`;
    case 'no-change':
      return `${mark} no change${event.reason ? c.dim(`: ${event.reason}`) : ''}${took}`;
    case 'up-to-date':
      return `${mark} ${c.dim(`up to date${event.reason ? `: ${event.reason}` : ''}`)}`;
    case 'failed':
      return `${mark} ${c.red(`failed: ${failureText(event)}`)}${took}`;
    case 'timeout':
      return `${mark} ${c.red(event.reason ?? 'timed out')}`;
    case 'needs-approval':
      return `${mark} ${c.yellow(`not approved: ${event.reason ?? ''}`)}`;
    case 'interrupted':
      return `${mark} ${c.yellow('interrupted')}${took}`;
    case 'skipped':
      return `${mark} ${c.dim(`skipped: ${event.reason}`)}`;
    case 'cancelled':
      return undefined;
    default:
      return unreachable(event.status);
  }
}

/** The closing line's verdict mark. */
export function verdictMark(status: RunStatus, c: ChalkInstance): string {
  const { mark, colour } = RUN_STATUS_TABLE[status];
  return c[colour](mark);
}

/** The detail a task that did not succeed gets at the end: what, why, and its last lines. */
export function problemHeading(task: TaskReport, c: ChalkInstance): string | undefined {
  const after = task.durationMs === null ? '' : ` after ${formatDuration(task.durationMs)}`;
  switch (task.status) {
    case 'failed':
      return `${c.red(`failed: ${failureText(task)}`)}${after}`;
    case 'timeout':
      return c.red(task.reason ?? 'timed out');
    case 'interrupted':
      return `${c.yellow('was interrupted')}${after}`;
    case 'needs-approval':
      return c.yellow(`was not approved: ${task.reason ?? ''}`);
    case 'ok':
    case 'no-change':
    case 'up-to-date':
    case 'skipped':
    case 'cancelled':
      return undefined;
    default:
      return unreachable(task.status);
  }
}

/** The run's first line: what runs, how many tasks in how many stages, at which -j. */
export function runStartLine(event: RunStartEvent): string {
  const { plan } = event;
  const commands = plan.tasks.filter((task) => task.run !== undefined).length;
  const limit = event.timeoutMs !== null ? `, time limit ${formatDuration(event.timeoutMs)}` : '';
  const tasks = `${commands} task${commands === 1 ? '' : 's'}`;
  const stages = `${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}`;
  return `stagerun: ${plan.requested.join(' ')}: ${tasks} in ${stages}, -j${event.jobs}, schedule ${event.schedule}${limit}`;
}

/** What the run says when it stops starting tasks, and why. */
export function stoppingLine(event: RunStoppingEvent): string {
  const names = event.running.map((task) => task.name).join(', ');
  const some = event.running.length > 0;
  const count = `${event.running.length} running task${event.running.length === 1 ? '' : 's'}`;
  switch (event.cause) {
    case 'failure':
      return `stagerun: a task failed; starting nothing new${some ? `, waiting for ${event.running.length} running (${names})` : ''} (use -k to keep going)`;
    case 'interrupt':
      return `stagerun: interrupted; stopping ${count}${some ? ` (${names}); press Ctrl-C again to kill them now` : ''}`;
    case 'timeout':
      return `stagerun: the run's time limit was reached; stopping ${count}${some ? ` (${names})` : ''}`;
    default:
      return unreachable(event.cause);
  }
}
