/**
 * Live progress for a terminal: a status line under the output with done/total, the
 * running tasks and their elapsed time, and the time left as estimated from history.
 * It redraws on every event and a few times a second; the screen keeps it below the
 * tasks' own lines, never inside them.
 */
import type { RunEvent, RunStartEvent, Sink } from '../events/events.js';
import { remainingPath } from '../plan/plan.js';
import { formatDuration } from '../util/format.js';
import { unreachable } from '../util/never.js';
import type { Screen } from './terminal.js';

export interface StatusScreen extends Screen {
  /** Shows (or with undefined, removes) the status line. */
  status(text: string | undefined): void;
}

export interface ProgressOptions {
  screen: StatusScreen;
  /** Recorded durations by task name (history): only whether any is known matters; without one there is no estimate. */
  durations: ReadonlyMap<string, number>;
  /** Columns available for the line. */
  width: () => number;
  /** ms between redraws. Default 250. */
  intervalMs?: number;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Sink {
  const now = options.now ?? (() => performance.now());
  let start: RunStartEvent | undefined;
  let startedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const running = new Map<number, number>();
  const settled = new Set<number>();
  let commands = 0;
  let doneCommands = 0;
  let expected: Float64Array | undefined;
  let remaining: Float64Array | undefined;

  /** Time left: the longer of the longest chain still to run and the work left spread over the slots. */
  const estimate = (elapsed: number): number | undefined => {
    if (!start || !expected || !remaining) return undefined;
    let chain = 0;
    let work = 0;
    for (const task of start.plan.tasks) {
      if (settled.has(task.id)) continue;
      const began = running.get(task.id);
      const left = began === undefined ? expected[task.id]! : Math.max(0, expected[task.id]! - (elapsed - began));
      work += left;
      chain = Math.max(chain, remaining[task.id]! - expected[task.id]! + left);
    }
    return Math.max(chain, work / start.jobs);
  };

  const draw = () => {
    if (!start) return;
    const elapsed = now() - startedAt;
    const parts = [`${doneCommands}/${commands} done`];
    const names = [...running].map(([id, began]) => `${start!.plan.tasks[id]!.name} ${formatDuration(Math.max(0, elapsed - began))}`);
    if (names.length > 0) parts.push(`running ${names.join(', ')}`);
    const left = estimate(elapsed);
    parts.push(left === undefined ? 'no history for an estimate yet' : `~${formatDuration(left)} left`);
    // One column per character (no emoji), so that cutting to the width really fits.
    const line = `» ${parts.join(' · ')}`;
    const width = Math.max(10, options.width() - 1);
    options.screen.status(line.length > width ? `${line.slice(0, width - 1)}…` : line);
  };

  return (event: RunEvent) => {
    switch (event.type) {
      case 'run-start': {
        start = event;
        startedAt = now() - event.at;
        commands = event.plan.tasks.filter((task) => task.run !== undefined).length;
        const known = event.plan.tasks.some((task) => task.run !== undefined && options.durations.has(task.name));
        if (known) {
          // The run's own expectations (history, with the median for unknown tasks): the same weights as its priorities.
          expected = event.expectedMs;
          remaining = remainingPath(event.plan, expected);
        }
        timer = setInterval(draw, options.intervalMs ?? 250);
        timer.unref();
        break;
      }
      case 'task-start':
        if (event.task.run !== undefined) running.set(event.task.id, event.at);
        break;
      case 'task-retry':
        // Waiting out its retry delay: not running, not done.
        running.delete(event.task.id);
        break;
      case 'task-end':
        settled.add(event.task.id);
        running.delete(event.task.id);
        if (event.task.run !== undefined && event.attempts.length > 0) doneCommands++;
        break;
      case 'run-end':
        clearInterval(timer);
        options.screen.status(undefined);
        return;
      case 'approval-wait':
      case 'approval-end':
      case 'task-output':
      case 'run-stopping':
        return;
      default:
        unreachable(event);
    }
    draw();
  };
}
