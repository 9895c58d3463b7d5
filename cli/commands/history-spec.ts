/** The options of `stagerun history`, and its arguments' type. */
import type { Options } from 'yargs';
import { deployfileSpec, type Parsed } from './spec.js';

export const historySpec = {
  ...deployfileSpec,
  limit: { type: 'string', default: '10', describe: 'Runs to list' },
  import: { type: 'string', describe: 'Add a run report (a file from --report, or a merged CI run) to history first (repeatable)' },
  format: { type: 'string', choices: ['table', 'json'], default: 'table' },
} as const satisfies Record<string, Options>;

export type HistoryArgs = Parsed<typeof historySpec> & { target?: string };
