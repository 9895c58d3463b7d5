/** `stagerun history [target]`: recent runs and per-task figures, read from `.stagerun/history.jsonl`. */
import path from 'node:path';
import { runsOf } from '../../lib/history.js';
import { historyData, renderHistory } from '../../lib/render/history.js';
import type { HistoryArgs } from '../app.js';
import { wholeNumber } from '../args.js';
import type { CliIo } from '../io.js';
import { historyFor, locateDeployfile } from '../project.js';

export async function historyCommand(args: HistoryArgs, io: CliIo): Promise<number> {
  const limit = wholeNumber('--limit', args.limit)!;
  const history = historyFor(locateDeployfile(args, io), io);
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
