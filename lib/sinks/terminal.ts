/**
 * The terminal sink: task output under each task's name (streamed, or grouped per task),
 * a line when each task starts and ends (and when it retries, or waits for approval), and
 * at the end what did not succeed and why, a summary table, the makespan and the critical
 * path.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { RunEvent, RunStartEvent, RunStatus, Sink, TaskEndEvent, TaskStatus } from '../events/events.js';
import { succeeded, TASK_STATUSES } from '../events/events.js';
import { describeCommand, type OutputStream } from '../model/model.js';
import type { PlanTask } from '../plan/plan.js';
import type { RunReport, TaskReport } from '../reports/run-report.js';
import { formatDuration } from '../util/format.js';
import { entry } from '../util/maps.js';
import { unreachable } from '../util/never.js';
import { statusMark, summaryTable } from '../views/summary.js';
import type { CiStyle } from './ci.js';
import { createReportSink } from './collect.js';

export type OutputMode = 'stream' | 'grouped';

/** Where terminal output goes; a status line (live progress) may share it. */
export interface Screen {
  /** Writes whole lines. */
  print(text: string): void;
  /** Writes whole lines of a task's stderr; where absent, they go to `print`. */
  printError?(text: string): void;
}

export interface TerminalOptions {
  screen: Screen;
  /** 0 for plain text, 1–3 for colour depth. */
  colorLevel: 0 | 1 | 2 | 3;
  output?: OutputMode;
  /** Lines of output kept per task to show when it fails. Default 15. */
  tailLines?: number;
  /** Print the table of tasks at the end. Default true. */
  summary?: boolean;
  /** Print only what failed and the closing line (no task lines, no table). */
  quiet?: boolean;
  /** In a CI log: each task's lines in a collapsible group, failures as annotations (output is then grouped). */
  ci?: CiStyle;
}

const PALETTE = ['cyan', 'magenta', 'blue', 'yellow', 'green', 'cyanBright', 'magentaBright', 'blueBright'] as const;

export function failureText(event: { exitCode: number | null; signal: string | null; reason: string | null }): string {
  if (event.reason) return event.reason;
  if (event.signal) return `killed by ${event.signal}`;
  return `exit code ${event.exitCode}`;
}

/** The line a task's end gets (undefined: none, as for a cancelled task, which is counted once at the end). */
function endLine(event: TaskEndEvent, c: ChalkInstance): string | undefined {
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
function verdictMark(status: RunStatus, c: ChalkInstance): string {
  switch (status) {
    case 'ok':
      return c.green('✓');
    case 'failed':
      return c.red('✗');
    case 'needs-approval':
      return c.yellow('?');
    case 'interrupted':
      return `${c.yellow('■')} interrupted:`;
  }
}

/** The detail a task that did not succeed gets at the end: what, why, and its last lines. */
function problemHeading(task: TaskReport, c: ChalkInstance): string | undefined {
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

export function createTerminalReporter(options: TerminalOptions): Sink {
  const c = new Chalk({ level: options.colorLevel });
  const quiet = options.quiet ?? false;
  const ci = options.ci;
  // Interleaved lines cannot be grouped: in a CI log each task's block is printed when it ends.
  const mode = ci ? 'grouped' : (options.output ?? 'stream');
  const tailLines = options.tailLines ?? 15;
  const { screen } = options;
  let start: RunStartEvent | undefined;
  let width = 0;
  const colours = new Map<number, (text: string) => string>();
  const tails = new Map<number, string[]>();
  const groups = new Map<number, { stream: OutputStream; text: string }[]>();
  const collector = createReportSink();

  const prefix = (task: PlanTask) => {
    const name = task.name.length > width ? `${task.name.slice(0, width - 1)}…` : task.name.padEnd(width);
    return `${colours.get(task.id)!(name)} ${c.dim('│')}`;
  };

  /** A task's line under its name: stdout lines to the screen, stderr lines to the error stream (where there is one). */
  const printLine = (task: PlanTask, stream: OutputStream, text: string) => {
    const line = `${prefix(task)} ${text}`;
    if (stream === 'stderr' && screen.printError) screen.printError(line);
    else screen.print(line);
  };

  const remember = (task: PlanTask, line: string) => {
    const tail = entry(tails, task.id, (): string[] => []);
    tail.push(line);
    if (tail.length > tailLines) tail.shift();
  };

  const onEnd = (event: TaskEndEvent) => {
    const { task } = event;
    const text = endLine(event, c);
    if (text === undefined || quiet) return;
    if (task.run === undefined && event.status === 'ok') return; // goals finish silently
    const lines = groups.get(task.id);
    groups.delete(task.id);
    if (ci && lines !== undefined) {
      // The group's title is how the task ended; its body, the task's lines.
      const at = Date.parse(start!.startedAt) + event.at;
      const open = ci.groupStart(`${task.name} ${text}`, String(task.id), at);
      if (open !== undefined) screen.print(open);
      // One stream inside a group: a CI log interleaves two pipes in no reliable order.
      for (const line of lines) printLine(task, 'stdout', line.text);
      const close = ci.groupEnd(String(task.id), at);
      if (close !== undefined) screen.print(close);
      if (open === undefined) screen.print(`${prefix(task)} ${text}`);
      if (!succeeded(event.status) && event.status !== 'skipped') {
        const annotation = ci.failure(
          `stagerun: ${task.name} ${event.status}`,
          `${task.name}: ${failureText(event)}\n${(tails.get(task.id) ?? []).join('\n')}`,
        );
        if (annotation !== undefined) screen.print(annotation);
      }
      return;
    }
    // The task's block of output first, then how it ended: read top to bottom, as it happened.
    if (mode === 'grouped' && lines !== undefined) for (const line of lines) printLine(task, line.stream, line.text);
    screen.print(`${prefix(task)} ${text}`);
  };

  const finalSummary = (report: RunReport) => {
    const plan = start!.plan;
    if (options.summary !== false && !quiet) {
      screen.print('');
      for (const line of summaryTable(report, c)) screen.print(line);
    }
    report.tasks.forEach((task, id) => {
      const heading = problemHeading(task, c);
      if (heading === undefined) return;
      const planned = plan.tasks[id]!;
      const tail = tails.get(id) ?? [];
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
  };

  return (event: RunEvent) => {
    collector.sink(event);
    switch (event.type) {
      case 'run-start': {
        start = event;
        const { plan } = event;
        const commands = plan.tasks.filter((task) => task.run !== undefined);
        width = Math.min(32, Math.max(1, ...commands.map((task) => task.name.length)));
        commands.forEach((task, i) => {
          const colour = PALETTE[i % PALETTE.length]!;
          colours.set(task.id, (text) => c[colour](text));
        });
        for (const task of plan.tasks) if (!colours.has(task.id)) colours.set(task.id, (text) => text);
        for (const warning of event.warnings) (screen.printError ?? screen.print)(c.yellow(`stagerun: warning: ${warning}`));
        if (quiet) break;
        screen.print(
          c.dim(
            `stagerun: ${plan.requested.join(' ')}: ${commands.length} task${commands.length === 1 ? '' : 's'} in ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}, -j${event.jobs}, schedule ${event.schedule}${event.timeoutMs !== null ? `, time limit ${formatDuration(event.timeoutMs)}` : ''}`,
          ),
        );
        break;
      }
      case 'approval-wait':
        if (!quiet) screen.print(`${prefix(event.task)} ${c.yellow(`? waiting for approval: ${event.question}`)}`);
        break;
      case 'approval-end':
        if (!quiet && event.approved) screen.print(`${prefix(event.task)} ${c.green(`✓ approved (${event.by})`)}`);
        break;
      case 'task-start': {
        if (event.task.run === undefined || quiet) break;
        if (mode === 'grouped' && !groups.has(event.task.id)) groups.set(event.task.id, []);
        const attempt = event.attempt > 1 ? c.yellow(` (attempt ${event.attempt} of ${event.task.settings.retries + 1})`) : '';
        screen.print(`${prefix(event.task)} ${c.dim(`▶ ${describeCommand(event.task.run, event.task.args)}`)}${attempt}`);
        break;
      }
      case 'task-output':
        remember(event.task, event.line);
        if (quiet) break;
        if (mode === 'grouped' && groups.has(event.task.id)) groups.get(event.task.id)!.push({ stream: event.stream, text: event.line });
        else printLine(event.task, event.stream, event.line);
        break;
      case 'task-retry':
        if (!quiet)
          screen.print(
            `${prefix(event.task)} ${c.yellow(`↻ attempt ${event.attempt.number} failed (${event.reason}); retrying${event.retryInMs > 0 ? ` in ${formatDuration(event.retryInMs)}` : ''}`)}`,
          );
        break;
      case 'task-end':
        onEnd(event);
        break;
      case 'run-stopping': {
        if (quiet) break;
        const names = event.running.map((task) => task.name).join(', ');
        const count = `${event.running.length} running task${event.running.length === 1 ? '' : 's'}`;
        switch (event.cause) {
          case 'failure':
            screen.print(
              c.yellow(
                `stagerun: a task failed; starting nothing new${event.running.length > 0 ? `, waiting for ${event.running.length} running (${names})` : ''} (use -k to keep going)`,
              ),
            );
            break;
          case 'interrupt':
            screen.print(
              c.yellow(
                `stagerun: interrupted; stopping ${count}${event.running.length > 0 ? ` (${names}); press Ctrl-C again to kill them now` : ''}`,
              ),
            );
            break;
          case 'timeout':
            screen.print(
              c.yellow(`stagerun: the run's time limit was reached; stopping ${count}${event.running.length > 0 ? ` (${names})` : ''}`),
            );
            break;
          default:
            unreachable(event.cause);
        }
        break;
      }
      case 'run-end':
        finalSummary(collector.report());
        break;
      default:
        unreachable(event);
    }
  };
}
