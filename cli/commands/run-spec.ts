/** The options of a run (`stagerun [targets..]`), and its arguments' type. */
import type { Options } from 'yargs';
import { SCHEDULE_POLICIES, SCHEDULE_POLICY_TABLE } from '../../lib/schedule/policies.js';
import { CI_SYSTEMS } from '../../lib/sinks/ci-systems.js';
import { executionSpec, type Parsed } from './spec.js';

export const runSpec = {
  ...executionSpec,
  // A string, checked by the command: `-j abc` is then named as given, not as NaN.
  jobs: { alias: 'j', type: 'string', describe: 'Run at most N tasks at once (default: number of CPUs)' },
  'keep-going': { alias: 'k', type: 'boolean', default: false, describe: 'After a failure, keep running tasks that do not depend on it' },
  schedule: {
    type: 'string',
    choices: SCHEDULE_POLICIES,
    default: 'dag',
    describe: SCHEDULE_POLICIES.map((policy) => `${policy}: ${SCHEDULE_POLICY_TABLE[policy].describe}`).join('; '),
  },
  resume: {
    type: 'boolean',
    default: false,
    describe: 'Continue the latest recorded run of these targets: what succeeded there (and did not change) is kept, the rest runs',
  },
  'dry-run': {
    alias: 'n',
    type: 'boolean',
    default: false,
    describe: 'Print the stages, deps and commands, and which tasks would run and why; run nothing',
  },
  explain: { type: 'string', describe: 'Say why a task would run or is up to date, and what its key is made of; run nothing' },
  force: { type: 'string', describe: 'Run tasks even if up to date: all (--force), or this task and what depends on it (--force NAME)' },
  list: { alias: 'l', type: 'boolean', default: false, describe: 'List tasks with their deps and descriptions' },
  graph: { type: 'string', describe: 'Print the graph as Graphviz DOT (default) or Mermaid (--graph mermaid)' },
  report: { type: 'string', describe: 'Write the run report (JSON) to FILE' },
  output: {
    type: 'string',
    choices: ['stream', 'grouped'],
    default: 'stream',
    describe: "stream: each line as it comes, prefixed with the task's name; grouped: each task's output in one block when it ends",
  },
  tail: {
    type: 'string',
    describe: "Lines of a failed task's output shown at the end and kept in its report (default 15; a task's own tail option wins)",
  },
  summary: { type: 'boolean', default: true, describe: 'Print the table of tasks at the end (--no-summary to leave it out)' },
  gantt: { type: 'boolean', default: false, describe: 'Draw a Gantt chart of the run at the end' },
  profile: { type: 'string', describe: 'Write a Chrome trace (Perfetto, chrome://tracing) of the run to FILE' },
  progress: { type: 'boolean', describe: 'Show the live status line (default: on a terminal)' },
  yes: { alias: 'y', type: 'boolean', default: false, describe: 'Deprecated on a run: approves every gate, as --approve-all does' },
  ci: {
    type: 'string',
    choices: [...CI_SYSTEMS, 'none'],
    describe: "CI log output: groups per task, failures as annotations, GitHub's job summary (default: detected from the environment)",
  },
} as const satisfies Record<string, Options>;

/** Targets, and the words after `--` (passed to the target tasks). */
export type RunArgs = Parsed<typeof runSpec> & { targets?: string[]; '--'?: string[] };
