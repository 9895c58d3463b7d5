/** `stagerun history`: recent runs, and per task p50, p95, success rate, slowest first. */
import { formatDuration, table } from '../format.js';
import type { RunReport } from '../report/json.js';
import { taskStats } from '../stats.js';

function when(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function renderHistory(runs: readonly RunReport[], options: { limit: number; file: string }): string[] {
  if (runs.length === 0) return [`no runs recorded yet in ${options.file}`];
  const recent = runs.slice(-options.limit).reverse();
  const lines = [`last ${recent.length} of ${runs.length} run${runs.length === 1 ? '' : 's'} (newest first), from ${options.file}`];
  lines.push(
    ...table(
      [
        ['when', 'id', 'targets', 'N', 'schedule', 'makespan', 'status'],
        ...recent.map((run) => [when(run.startedAt), run.id, run.targets.join(' '), String(run.jobs), run.schedule, formatDuration(run.makespanMs), run.status]),
      ],
      [3, 5],
    ),
  );
  const stats = taskStats(runs);
  if (stats.length > 0) {
    lines.push('', `tasks over those ${runs.length} runs, slowest (p50) first:`);
    lines.push(
      ...table(
        [
          ['task', 'runs', 'ok', 'p50', 'p95', 'max'],
          ...stats.map((task) => [task.name, String(task.runs), `${Math.round(task.successRate * 100)}%`, formatDuration(task.p50Ms), formatDuration(task.p95Ms), formatDuration(task.maxMs)]),
        ],
        [1, 2, 3, 4, 5],
      ),
    );
  }
  return lines;
}
