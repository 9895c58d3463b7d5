/** `stagerun history [target]`: recent runs and per-task figures, read from `.stagerun/history.jsonl`. */
import path from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { renderHistory } from '../../lib/render/history.js';
import { taskStats } from '../../lib/stats.js';
import { locateDeployfile, openHistory } from '../project.js';

export interface HistoryArgs {
  target?: string;
  file?: string;
  limit: number;
  format: 'table' | 'json';
}

export async function historyCommand(args: HistoryArgs): Promise<number> {
  if (!Number.isInteger(args.limit) || args.limit < 1) throw new UsageError(`--limit must be a whole number of at least 1 (got ${args.limit})`);
  const history = openHistory(locateDeployfile(args));
  const target = args.target;
  const runs = history.runs().filter((run) => !target || run.targets.includes(target) || run.tasks.some((task) => task.name === target));
  const shownFile = path.relative(process.cwd(), history.file) || history.file;
  if (args.format === 'json') {
    const recent = runs.slice(-args.limit).reverse().map(({ id, startedAt, targets, jobs, schedule, makespanMs, status, ok }) => ({ id, startedAt, targets, jobs, schedule, makespanMs, status, ok }));
    process.stdout.write(`${JSON.stringify({ runs: recent, tasks: taskStats(runs) }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderHistory(runs, { limit: args.limit, file: shownFile }).join('\n')}\n`);
  }
  return 0;
}
