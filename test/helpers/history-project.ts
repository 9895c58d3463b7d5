/** The pipeline the history tests record (in-process and with real processes), and a reader of what they recorded. */
import path from 'node:path';
import { type HistoryWarning, readHistory } from '../../lib/reports/history.js';
import type { RunReport } from '../../lib/reports/run-report.js';

export const deployfile = `import { pipeline } from 'stagerun';
const p = pipeline();
const build = p.task('build', { run: 'sleep 0.2; echo built' });
p.task('test', { run: 'sleep 0.3', deps: [build] });
p.task('lint', { run: 'sleep 0.1' });
p.task('slow', { run: 'echo $$ > slow.pid; sleep 30' });
p.task('ci', { deps: ['test', 'lint'] });
p.default('ci');
export default p;
`;

export const historyOf = (dir: string) => path.join(dir, '.stagerun/history.jsonl');

/** The runs recorded in `dir`, and the warnings reading them gave. */
export function read(dir: string): { runs: RunReport[]; warnings: HistoryWarning[] } {
  const warnings: HistoryWarning[] = [];
  return { runs: readHistory(historyOf(dir), (warning) => warnings.push(warning)), warnings };
}
