/** The options of `stagerun report`, and its arguments' type. */
import type { Options } from 'yargs';
import { REPORT_FORMATS } from '../../lib/views/formats.js';
import { deployfileSpec, type Parsed } from './spec.js';

export const reportSpec = {
  ...deployfileSpec,
  run: { type: 'string', describe: 'Run id (or a unique part of it); see stagerun history' },
  last: { type: 'boolean', default: false, describe: 'The latest run (the default)' },
  merge: {
    type: 'string',
    describe: "Merge the run reports of CI jobs (files, directories, or a quoted pattern; default 'stagerun-report-*.json') into one run",
  },
  record: {
    type: 'boolean',
    default: false,
    describe: 'With --merge: record the merged run in history, so that CI timings weigh priorities and simulations',
  },
  format: { type: 'string', choices: REPORT_FORMATS, default: 'mermaid' },
} as const satisfies Record<string, Options>;

export type ReportArgs = Parsed<typeof reportSpec>;
