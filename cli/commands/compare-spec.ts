/** The options of `stagerun compare`, and its arguments' type. */
import type { Options } from 'yargs';
import { SCHEDULE_POLICIES } from '../../lib/schedule/policies.js';
import { executionSpec, type Parsed } from './spec.js';

export const compareSpec = {
  ...executionSpec,
  jobs: { alias: 'j', type: 'string', default: '1,2,3', describe: 'Values of N: a list (1,2,4) or a range (1..8)' },
  schedule: {
    type: 'string',
    default: 'dag',
    describe: `Policies to compare: ${SCHEDULE_POLICIES.join(', ')}, or '${SCHEDULE_POLICIES.join(',')}' side by side`,
  },
  simulate: { type: 'boolean', default: false, describe: 'Run nothing: replay the scheduler with durations from history' },
  'default-duration': {
    type: 'string',
    describe: 'With --simulate: seconds for tasks that have no history (default: median of the known ones, else 1)',
  },
  cores: {
    type: 'string',
    describe: "With --simulate: predict for a machine with this many cores (default: the --machine's, as recorded, else this one's)",
  },
  format: { type: 'string', choices: ['table', 'json', 'csv'], default: 'table', describe: 'A table for people, JSON or CSV for scripts' },
  yes: { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask before running the targets more than once' },
} as const satisfies Record<string, Options>;

export type CompareArgs = Parsed<typeof compareSpec> & { targets?: string[]; '--'?: string[] };
