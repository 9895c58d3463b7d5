/** The options several commands share, and how a command's parsed arguments are typed. */
import type { ArgumentsCamelCase, InferredOptionTypes, Options } from 'yargs';
import { DEFAULT_HISTORY_LIMIT } from '../../lib/util/defaults.js';

/** A command's arguments as yargs parses them from its option spec. */
export type Parsed<Spec extends Record<string, Options>> = ArgumentsCamelCase<InferredOptionTypes<Spec>>;

/** Options of every command that reads a deployfile. */
export const deployfileSpec = {
  file: {
    alias: 'f',
    type: 'string',
    describe: 'Deployfile to use (default: deployfile.ts, .mts, .js or .mjs, looked up from here upwards)',
  },
  color: { type: 'boolean', describe: 'Force colour on or off (default: on for a terminal; NO_COLOR turns it off)' },
} as const satisfies Record<string, Options>;

/** Options of the commands that run tasks. */
export const executionSpec = {
  ...deployfileSpec,
  grace: { type: 'string', default: '5', describe: 'Seconds a stopped task gets between SIGTERM and SIGKILL' },
  history: { type: 'boolean', default: true, describe: 'Record the run in .stagerun/history.jsonl (--no-history: do not)' },
  'history-limit': { type: 'string', default: String(DEFAULT_HISTORY_LIMIT), describe: 'Keep about this many runs in history' },
  timeout: { type: 'string', describe: "The whole run's time limit ('15m', '90s'): then running tasks are stopped and the rest cancelled" },
  only: {
    type: 'string',
    describe: "Run only tasks with this tag, name, service or glob ('*:deploy'), and what they need (repeatable, or a,b)",
  },
  skip: { type: 'string', describe: 'Leave out tasks with this tag, name, service or glob (repeatable, or a,b)' },
  deps: {
    type: 'boolean',
    default: true,
    describe: 'With --no-deps: run exactly the selected tasks, trusting that their dependencies already ran',
  },
  approve: { type: 'string', describe: "Approve the gates of this task, or of this service's tasks (repeatable, or a,b)" },
  'approve-all': { type: 'boolean', default: false, describe: 'Approve every approval gate' },
  machine: {
    type: 'string',
    describe:
      'The name durations are recorded and read under (default: $STAGERUN_MACHINE, else the host name), so laptop and CI are not mixed',
  },
} as const satisfies Record<string, Options>;

/** `stagerun hash TASK`. */
export type HashArgs = Parsed<typeof deployfileSpec> & { task: string };
