/** `stagerun history [target]`: recent runs and per-task figures, read from `.stagerun/history.jsonl`. */
import path from 'node:path';
import { appendHistory, runsOf } from '../../lib/reports/history.js';
import { readReports } from '../../lib/reports/merge.js';
import { historyData, renderHistory } from '../../lib/views/history.js';
import { list, wholeNumber } from '../args.js';
import type { CliIo } from '../io.js';
import { historyFor, locateDeployfile } from '../project.js';
import type { HistoryArgs } from './history-spec.js';

export async function historyCommand(args: HistoryArgs, io: CliIo): Promise<number> {
  const limit = wholeNumber('--limit', args.limit)!;
  const history = historyFor(locateDeployfile(args, io), io);
  const imports = list(args.import);
  if (imports.length > 0) {
    const { reports } = readReports(
      imports.map((file) => path.resolve(io.cwd, file)),
      io.cwd,
    );
    // Importing the same CI run twice must not count its timings twice.
    const known = new Set(history.runs().map((run) => run.id));
    const added = reports.filter((report) => !known.has(report.id) && known.add(report.id));
    for (const report of added) appendHistory(history.file, { ...report, simulated: false });
    const already = reports.length - added.length;
    io.stderr.write(
      `stagerun: added ${added.length} run${added.length === 1 ? '' : 's'} to ${path.relative(io.cwd, history.file) || history.file}${already > 0 ? ` (${already} already there)` : ''}\n`,
    );
  }
  const all = history.runs();
  const runs = runsOf(all, args.target);
  const shownFile = path.relative(io.cwd, history.file) || history.file;
  const text =
    args.format === 'json'
      ? JSON.stringify(historyData(runs, limit), null, 2)
      : renderHistory(runs, { limit, file: shownFile, target: args.target, recorded: all }).join('\n');
  io.stdout.write(`${text}\n`);
  return 0;
}
