/** The options of `stagerun export`, and its arguments' type. */
import type { Options } from 'yargs';
import { deployfileSpec, type Parsed } from './spec.js';

export const exportSpec = {
  ...deployfileSpec,
  output: { alias: 'o', type: 'string', describe: 'Write to FILE (default: standard output)' },
  group: { type: 'string', choices: ['task', 'service'], default: 'task', describe: 'One job per task, or per service' },
} as const satisfies Record<string, Options>;

export type ExportArgs = Parsed<typeof exportSpec> & { engine: string; targets?: string[] };
