/** `stagerun history`: recent runs, and per task p50, p95, success rate, slowest first. */

import type { RunReport } from '../reports/run-report.js';
import { type TaskStats, taskStats } from '../reports/stats.js';
import { formatDuration, shownTargets, table } from '../util/format.js';

function when(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export interface HistoryData {
  /** The latest `limit` runs, newest first. */
  runs: Pick<RunReport, 'id' | 'startedAt' | 'targets' | 'jobs' | 'schedule' | 'makespanMs' | 'status' | 'ok'>[];
  /** Per task over all the given runs, slowest (p50) first. */
  tasks: TaskStats[];
}

/** What `stagerun history --format json` prints. */
export function historyData(runs: readonly RunReport[], limit: number): HistoryData {
  return {
    runs: runs
      .slice(-limit)
      .reverse()
      .map(({ id, startedAt, targets, jobs, schedule, makespanMs, status, ok }) => ({
        id,
        startedAt,
        targets,
        jobs,
        schedule,
        makespanMs,
        status,
        ok,
      })),
    tasks: taskStats(runs),
  };
}

export interface HistoryView {
  limit: number;
  /** The history file, as shown. */
  file: string;
  /** The target the runs were filtered by, if any. */
  target?: string | undefined;
  /** Every recorded run, before filtering: to tell "nothing recorded" from "nothing of that target". */
  recorded?: readonly RunReport[];
}

export function renderHistory(runs: readonly RunReport[], view: HistoryView): string[] {
  if (runs.length === 0) {
    const recorded = view.recorded ?? runs;
    if (view.target === undefined || recorded.length === 0) return [`no runs recorded yet in ${view.file}`];
    const targets = [...new Set(recorded.flatMap((run) => run.targets))];
    return [
      `no recorded run has the target or task '${view.target}' (${recorded.length} run${recorded.length === 1 ? '' : 's'} recorded in ${view.file})`,
      `targets recorded: ${targets.slice(0, 20).join(', ')}${targets.length > 20 ? ', …' : ''}`,
    ];
  }
  const recent = runs.slice(-view.limit).reverse();
  const lines = [`last ${recent.length} of ${runs.length} run${runs.length === 1 ? '' : 's'} (newest first), from ${view.file}`];
  lines.push(
    ...table(
      [
        ['when', 'id', 'targets', 'N', 'schedule', 'makespan', 'status'],
        ...recent.map((run) => [
          when(run.startedAt),
          run.id,
          shownTargets(run.targets),
          String(run.jobs),
          run.mergedFrom === undefined ? run.schedule : 'CI jobs',
          formatDuration(run.makespanMs),
          run.status,
        ]),
      ],
      [3, 5],
    ),
  );
  const stats = taskStats(runs);
  if (stats.length > 0) {
    // The figures are over every recorded run, not only those listed: say so when fewer are listed.
    const over =
      recent.length < runs.length
        ? `all ${runs.length} recorded runs (the last ${recent.length} are listed above)`
        : `those ${runs.length} run${runs.length === 1 ? '' : 's'}`;
    lines.push('', `tasks over ${over}, slowest (p50) first:`);
    lines.push(
      ...table(
        [
          ['task', 'runs', 'ok', 'flaky', 'p50', 'p95', 'max'],
          ...stats.map((task) => [
            task.name,
            String(task.runs),
            `${Math.round(task.successRate * 100)}%`,
            `${Math.round(task.flakyRate * 100)}%`,
            formatDuration(task.p50Ms),
            formatDuration(task.p95Ms),
            formatDuration(task.maxMs),
          ]),
        ],
        [1, 2, 3, 4, 5, 6],
      ),
    );
  }
  return lines;
}
