/**
 * The terminal sink: task output under each task's name (streamed, or grouped per task),
 * a line when each task starts and ends, and at the end what failed and why, a summary
 * table, the makespan and the critical path.
 */
import { Chalk } from 'chalk';
import type { RunEvent, RunStartEvent, Sink, TaskEndEvent, TaskStatus } from '../events.js';
import { formatDuration } from '../format.js';
import { entry } from '../maps.js';
import { describeCommand, type OutputStream } from '../model.js';
import type { PlanTask } from '../plan.js';
import { createReportSink, type RunReport } from './json.js';
import { statusMark, summaryTable } from './summary.js';

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
}

const PALETTE = ['cyan', 'magenta', 'blue', 'yellow', 'green', 'cyanBright', 'magentaBright', 'blueBright'] as const;

export function failureText(event: { exitCode: number | null; signal: string | null; reason: string | null }): string {
  if (event.reason) return event.reason;
  if (event.signal) return `killed by ${event.signal}`;
  return `exit code ${event.exitCode}`;
}

export function createTerminalReporter(options: TerminalOptions): Sink {
  const c = new Chalk({ level: options.colorLevel });
  const quiet = options.quiet ?? false;
  const mode = options.output ?? 'stream';
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
    const { task, status } = event;
    const took = event.startAt === null ? '' : ` in ${formatDuration(event.at - event.startAt)}`;
    let text: string;
    if (status === 'ok') text = `${statusMark(status, c)} ok${took}`;
    else if (status === 'failed') text = `${statusMark(status, c)} ${c.red(`failed: ${failureText(event)}`)}${took}`;
    else if (status === 'interrupted') text = `${statusMark(status, c)} ${c.yellow('interrupted')}${took}`;
    else if (status === 'skipped') text = `${statusMark(status, c)} ${c.dim(`skipped: ${event.reason}`)}`;
    else return; // cancelled tasks are counted once at the end, not one line each
    if (task.run === undefined && status === 'ok') return; // goals finish silently
    if (quiet) return;
    if (mode === 'grouped' && event.startAt !== null) {
      // The task's block of output first, then how it ended: read top to bottom, as it happened.
      const lines = groups.get(task.id) ?? [];
      groups.delete(task.id);
      for (const line of lines) printLine(task, line.stream, line.text);
      screen.print(`${prefix(task)} ${text}`);
      return;
    }
    screen.print(`${prefix(task)} ${text}`);
  };

  const finalSummary = (report: RunReport) => {
    const plan = start!.plan;
    if (options.summary !== false && !quiet) {
      screen.print('');
      for (const line of summaryTable(report, c)) screen.print(line);
    }
    report.tasks.forEach((task, id) => {
      if (task.status !== 'failed' && task.status !== 'interrupted') return;
      const planned = plan.tasks[id]!;
      const tail = tails.get(id) ?? [];
      screen.print('');
      screen.print(
        `${statusMark(task.status, c)} ${c.bold(task.name)} ${task.status === 'failed' ? c.red(`failed: ${failureText(task)}`) : c.yellow('was interrupted')}` +
          (task.durationMs === null ? '' : ` after ${formatDuration(task.durationMs)}`),
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
    const tally = (['ok', 'failed', 'interrupted', 'skipped', 'cancelled'] as const)
      .filter((s) => counts.get(s))
      .map((s) => `${counts.get(s)} ${s}`)
      .join(', ');
    if (!quiet) screen.print('');
    if (report.criticalPath.length > 0 && !quiet) screen.print(`${c.dim('critical path:')} ${report.criticalPath.join(c.dim(' → '))}`);
    const what = `${report.targets.join(' ')} ${c.dim(`(-j${report.jobs}, ${report.schedule})`)}`;
    const line = `${what}: ${tally || 'nothing to run'}; makespan ${c.bold(formatDuration(report.makespanMs))}`;
    if (report.status === 'ok') screen.print(`${c.green('✓')} ${line}`);
    else if (report.status === 'interrupted') screen.print(`${c.yellow('■')} interrupted: ${line}`);
    else screen.print(`${c.red('✗')} ${line}`);
  };

  return (event: RunEvent) => {
    collector.sink(event);
    if (quiet && event.type !== 'run-start' && event.type !== 'task-output' && event.type !== 'run-end') return;
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
        if (quiet) break;
        screen.print(
          c.dim(
            `stagerun: ${plan.requested.join(' ')}: ${commands.length} task${commands.length === 1 ? '' : 's'} in ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}, -j${event.jobs}, schedule ${event.schedule}`,
          ),
        );
        break;
      }
      case 'task-start':
        if (event.task.run === undefined) break;
        if (mode === 'grouped') groups.set(event.task.id, []);
        screen.print(`${prefix(event.task)} ${c.dim(`▶ ${describeCommand(event.task.run, event.task.args)}`)}`);
        break;
      case 'task-output':
        remember(event.task, event.line);
        if (quiet) break;
        if (mode === 'grouped' && groups.has(event.task.id)) {
          groups.get(event.task.id)!.push({ stream: event.stream, text: event.line });
        } else {
          printLine(event.task, event.stream, event.line);
        }
        break;
      case 'task-end':
        onEnd(event);
        break;
      case 'run-stopping': {
        const names = event.running.map((task) => task.name).join(', ');
        if (event.cause === 'failure') {
          screen.print(
            c.yellow(
              `stagerun: a task failed; starting nothing new` +
                (event.running.length > 0 ? `, waiting for ${event.running.length} running (${names})` : '') +
                ' (use -k to keep going)',
            ),
          );
        } else {
          screen.print(
            c.yellow(
              `stagerun: interrupted; stopping ${event.running.length} running task${event.running.length === 1 ? '' : 's'}` +
                (event.running.length > 0 ? ` (${names}); press Ctrl-C again to kill them now` : ''),
            ),
          );
        }
        break;
      }
      case 'run-end':
        finalSummary(collector.report());
        break;
    }
  };
}
