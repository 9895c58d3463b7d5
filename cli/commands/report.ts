/** `stagerun report [--run ID | --last] --format mermaid|gantt|trace|json|table`: show a recorded run. */
import { HistoryError, UsageError } from '../../lib/errors.js';
import { findRun } from '../../lib/history.js';
import { REPORT_FORMATS, type ReportFormat, renderRecordedRun } from '../../lib/render/report.js';
import type { ReportArgs } from '../app.js';
import type { CliIo } from '../io.js';
import { historyFor, locateDeployfile } from '../project.js';
import { colorLevel, columnsOf } from '../terminal.js';

export { REPORT_FORMATS };

export async function reportCommand(args: ReportArgs, io: CliIo): Promise<number> {
  if (args.run !== undefined && args.last) throw new UsageError('give --run ID or --last, not both');
  const history = historyFor(locateDeployfile(args, io), io);
  const runs = history.runs();
  if (runs.length === 0) {
    const error = new HistoryError(`no runs recorded yet (${history.file})`);
    error.hints.push('run the pipeline first; every run is recorded unless --no-history');
    throw error;
  }
  const run = args.run !== undefined ? findRun(runs, args.run) : runs[runs.length - 1]!;
  const text = renderRecordedRun(run, args.format as ReportFormat, {
    width: columnsOf(io.stdout),
    colorLevel: colorLevel(io.stdout, args.color, io.env),
  });
  io.stdout.write(`${text}\n`);
  return 0;
}
