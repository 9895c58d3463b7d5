/**
 * The terminal sink: task output under each task's name (streamed, or grouped per task),
 * a line when each task starts and ends (and when it retries, or waits for approval), and
 * at the end what did not succeed and why, a summary table, the makespan and the critical
 * path.
 */
import { Chalk } from 'chalk';
import type { RunEvent, RunStartEvent, Sink, TaskEndEvent } from '../events/events.js';
import { succeeded } from '../events/events.js';
import { describeCommand, type OutputStream } from '../model/model.js';
import type { PlanTask } from '../plan/plan.js';
import { printable } from '../util/controls.js';
import { formatDuration, shortName } from '../util/format.js';
import { unreachable } from '../util/never.js';
import { burstWriter } from './burst-writer.js';
import type { CiStyle } from './ci.js';
import { createReportSink } from './collect.js';
import { DEFAULT_TAIL_LINES, LineTails } from './line-tails.js';
import type { Screen } from './screen.js';
import { printFinalSummary } from './terminal-summary.js';
import { endLine, failureText, runStartLine, stoppingLine } from './terminal-text.js';

export type OutputMode = 'stream' | 'grouped';

export type { Screen } from './screen.js';

export interface TerminalOptions {
  screen: Screen;
  /** 0 for plain text, 1–3 for colour depth. */
  colorLevel: 0 | 1 | 2 | 3;
  output?: OutputMode;
  /** Lines of output kept per task to show when it fails (a task's own `tail` wins). Default 15. */
  tailLines?: number;
  /** Print the table of tasks at the end. Default true. */
  summary?: boolean;
  /** Print only what failed and the closing line (no task lines, no table). */
  quiet?: boolean;
  /** In a CI log: each task's lines in a collapsible group, failures as annotations (output is then grouped). */
  ci?: CiStyle;
}

/** Lines that look like the failure itself, in the words of test runners, compilers and shells. */
const ERROR_LINE = /\b(?:error|errors|failed|failure|fail|not ok|assert\w*|exception|fatal|panic|traceback)\b|✗|✖|✘/i;
/** How many of them a failed task shows, besides its last lines. */
const FIRST_ERRORS = 5;

const PALETTE = ['cyan', 'magenta', 'blue', 'yellow', 'green', 'cyanBright', 'magentaBright', 'blueBright'] as const;

export function createTerminalReporter(options: TerminalOptions): Sink {
  const c = new Chalk({ level: options.colorLevel });
  const quiet = options.quiet ?? false;
  const ci = options.ci;
  // Interleaved lines cannot be grouped: in a CI log each task's block is printed when it ends.
  const mode = ci ? 'grouped' : (options.output ?? 'stream');
  const tailLines = options.tailLines ?? DEFAULT_TAIL_LINES;
  const { screen } = options;
  let start: RunStartEvent | undefined;
  let width = 0;
  const colours = new Map<number, (text: string) => string>();
  const tails = new LineTails(tailLines);
  const firstErrors = new Map<number, string[]>();
  const groups = new Map<number, { stream: OutputStream; text: string }[]>();
  const collector = createReportSink();

  // Made once per task: it starts every line the task prints (10 million lines cost 0.3 s more without).
  const prefixes = new Map<number, string>();
  const prefix = (task: PlanTask) => {
    let made = prefixes.get(task.id);
    if (made === undefined) {
      const name = shortName(task.name, width).padEnd(width);
      made = `${colours.get(task.id)!(name)} ${c.dim('│')}`;
      prefixes.set(task.id, made);
    }
    return made;
  };

  const streamed = burstWriter(screen, prefix);

  /** A task's line under its name: stdout lines to the screen, stderr lines to the error stream (where there is one). */
  const printLine = (task: PlanTask, stream: OutputStream, text: string) => {
    const line = `${prefix(task)} ${text}`;
    if (stream === 'stderr' && screen.printError) screen.printError(line);
    else screen.print(line);
  };

  const remember = (task: PlanTask, line: string) => {
    tails.add(task.id, line, task.settings.tail);
    // The failure is often far above the tail (a test runner's summary comes last): its first lines are kept too.
    const first = firstErrors.get(task.id);
    if ((first === undefined || first.length < FIRST_ERRORS) && ERROR_LINE.test(line)) {
      if (first === undefined) firstErrors.set(task.id, [line]);
      else first.push(line);
    }
  };

  const onEnd = (event: TaskEndEvent) => {
    const { task } = event;
    const text = endLine(event, c);
    if (text === undefined || quiet) return;
    if (task.run === undefined && event.status === 'ok') return; // goals finish silently
    const lines = groups.get(task.id);
    groups.delete(task.id);
    // In a CI log every task with a command has its group, an up-to-date one too (its end line is the title).
    if (ci && (lines !== undefined || task.run !== undefined)) {
      // The group's title is how the task ended; its body, the task's lines.
      const at = Date.parse(start!.startedAt) + event.at;
      const open = ci.groupStart(`${task.name} ${text}`, String(task.id), at);
      if (open !== undefined) screen.print(open);
      // One stream inside a group: a CI log interleaves two pipes in no reliable order. A task
      // that did not run (up to date) has its end line as its group's one line.
      for (const line of lines ?? [{ stream: 'stdout', text }]) printLine(task, 'stdout', line.text);
      const close = ci.groupEnd(String(task.id), at);
      if (close !== undefined) screen.print(close);
      if (open === undefined && lines !== undefined) screen.print(`${prefix(task)} ${text}`);
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

  return (event: RunEvent) => {
    collector.sink(event);
    if (event.type !== 'task-output') streamed.flush();
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
        screen.print(c.dim(runStartLine(event)));
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
        const started = `${c.dim(`▶ ${describeCommand(event.task.run, event.task.args)}`)}${attempt}`;
        // In a CI log, the start line is the first line of the task's group.
        if (ci) groups.get(event.task.id)!.push({ stream: 'stdout', text: started });
        else screen.print(`${prefix(event.task)} ${started}`);
        break;
      }
      case 'task-output': {
        // What a task prints never acts on the terminal: colours kept (when on), other controls made visible.
        const text = printable(event.line, options.colorLevel > 0);
        remember(event.task, text);
        if (quiet) break;
        if (mode === 'grouped' && groups.has(event.task.id)) groups.get(event.task.id)!.push({ stream: event.stream, text });
        else streamed.line(event.task, event.stream, text);
        break;
      }
      case 'task-retry':
        if (!quiet)
          screen.print(
            `${prefix(event.task)} ${c.yellow(`↻ attempt ${event.attempt.number} failed (${event.reason}); retrying${event.retryInMs > 0 ? ` in ${formatDuration(event.retryInMs)}` : ''}`)}`,
          );
        break;
      case 'task-end':
        onEnd(event);
        break;
      case 'run-stopping':
        if (!quiet) screen.print(c.yellow(stoppingLine(event)));
        break;
      case 'run-end':
        printFinalSummary(screen, collector.report(), start!.plan, { tails, firstErrors }, c, {
          summary: options.summary !== false,
          quiet,
        });
        break;
      default:
        unreachable(event);
    }
  };
}
