/**
 * The command line: parses arguments (yargs) and hands them to a command. Commands only
 * wire library pieces together; what they print comes from lib/render and lib/report.
 */
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../lib/errors.js';
import { DEFAULT_HISTORY_LIMIT } from '../lib/history.js';
import { printFailure } from './fail.js';
import { tolerateClosedStdout } from './terminal.js';
import { runCommand, type RunArgs } from './commands/run.js';
import { compareCommand, type CompareArgs } from './commands/compare.js';
import { historyCommand, type HistoryArgs } from './commands/history.js';
import { REPORT_FORMATS, reportCommand, type ReportArgs } from './commands/report.js';

/** Options every command that reads a deployfile shares. */
function deployfileOptions<T>(y: Argv<T>) {
  return y
    .option('file', { alias: 'f', type: 'string', describe: 'Deployfile to use (default: deployfile.ts, .mts, .js or .mjs, looked up from here upwards)' })
    .option('color', { type: 'boolean', describe: 'Force colour on or off (default: on for a terminal; NO_COLOR turns it off)' });
}

/** Options of commands that run tasks. */
function executionOptions<T>(y: Argv<T>) {
  return deployfileOptions(y)
    .positional('targets', { type: 'string', array: true, describe: 'Tasks, services, or task names shared by services (default: the pipeline default)' })
    .option('grace', { type: 'number', default: 5, describe: 'Seconds a stopped task gets between SIGTERM and SIGKILL' })
    .option('history', { type: 'boolean', default: true, describe: 'Record the run in .stagerun/history.jsonl (--no-history: do not)' })
    .option('history-limit', { type: 'number', default: DEFAULT_HISTORY_LIMIT, describe: 'Keep about this many runs in history' });
}

function runOptions<T>(y: Argv<T>) {
  return executionOptions(y)
    .option('jobs', { alias: 'j', type: 'number', describe: 'Run at most N tasks at once (default: number of CPUs)' })
    .option('keep-going', { alias: 'k', type: 'boolean', default: false, describe: 'After a failure, keep running tasks that do not depend on it' })
    .option('schedule', { type: 'string', choices: ['dag', 'stages'], default: 'dag', describe: 'dag: start each task as soon as its deps are done, longest remaining chain first; stages: run stage by stage, as a staged Makefile' })
    .option('dry-run', { alias: 'n', type: 'boolean', default: false, describe: 'Print the stages, deps and commands; run nothing' })
    .option('list', { alias: 'l', type: 'boolean', default: false, describe: 'List tasks with their deps and descriptions' })
    .option('graph', { type: 'string', describe: 'Print the graph as Graphviz DOT (default) or Mermaid (--graph mermaid)' })
    .option('report', { type: 'string', describe: 'Write the run report (JSON) to FILE' })
    .option('output', { type: 'string', choices: ['stream', 'grouped'], default: 'stream', describe: "stream: each line as it comes, prefixed with the task's name; grouped: each task's output in one block when it ends" })
    .option('summary', { type: 'boolean', default: true, describe: 'Print the table of tasks at the end (--no-summary to leave it out)' })
    .option('gantt', { type: 'boolean', default: false, describe: 'Draw a Gantt chart of the run at the end' })
    .option('profile', { type: 'string', describe: 'Write a Chrome trace (Perfetto, chrome://tracing) of the run to FILE' })
    .option('progress', { type: 'boolean', describe: 'Show the live status line (default: on a terminal)' });
}

export function buildParser(args: readonly string[]) {
  return yargs([...args])
    .scriptName('stagerun')
    .usage("Usage: $0 [targets..] [options]   or   $0 <command> [options]\n\nRuns the deployfile's tasks, at most N at once, each as soon as what it needs is done.")
    .command(['$0 [targets..]', 'run [targets..]'], 'Run targets (the default command)', (y) => runOptions(y), async (argv) => {
      process.exitCode = await runCommand(argv as unknown as RunArgs);
    })
    .command(
      'compare [targets..]',
      'Run (or --simulate) the targets at several -j and compare makespans',
      (y) =>
        executionOptions(y)
          .option('jobs', { alias: 'j', type: 'string', default: '1,2,3', describe: 'Values of N: a list (1,2,4) or a range (1..8)' })
          .option('schedule', { type: 'string', default: 'dag', describe: "Policies to compare: dag, stages, or 'dag,stages' side by side" })
          .option('simulate', { type: 'boolean', default: false, describe: 'Run nothing: replay the scheduler with durations from history' })
          .option('default-duration', { type: 'number', describe: 'With --simulate: seconds for tasks that have no history (default: median of the known ones, else 1)' })
          .option('format', { type: 'string', choices: ['table', 'json', 'csv'], default: 'table', describe: 'Output format' })
          .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask before running the targets more than once' })
          .example('$0 compare deploy -j 1..3 --schedule dag,stages', 'Deploy six times and compare')
          .example('$0 compare deploy -j 1..8 --simulate', 'Predict from history; runs nothing'),
      async (argv) => {
        process.exitCode = await compareCommand(argv as unknown as CompareArgs);
      },
    )
    .command(
      'history [target]',
      'Recent runs, and per-task p50/p95 durations and success rates',
      (y) =>
        deployfileOptions(y)
          .positional('target', { type: 'string', describe: 'Only runs of this target (or that ran this task)' })
          .option('limit', { type: 'number', default: 10, describe: 'Runs to list' })
          .option('format', { type: 'string', choices: ['table', 'json'], default: 'table' }),
      async (argv) => {
        process.exitCode = await historyCommand(argv as unknown as HistoryArgs);
      },
    )
    .command(
      'report',
      'Show a recorded run as a Mermaid gantt, a terminal Gantt chart, a trace, JSON or a table',
      (y) =>
        deployfileOptions(y)
          .option('run', { type: 'string', describe: 'Run id (or a unique part of it); see stagerun history' })
          .option('last', { type: 'boolean', default: false, describe: 'The latest run (the default)' })
          .option('format', { type: 'string', choices: REPORT_FORMATS, default: 'mermaid' })
          .example('$0 report --last --format mermaid >> summary.md', 'A Gantt chart for a pull request'),
      async (argv) => {
        process.exitCode = await reportCommand(argv as unknown as ReportArgs);
      },
    )
    .example('$0 deploy -j3', 'Deploy with at most 3 tasks at once')
    .example('$0 -f examples/seed-services/deployfile.ts -j2', 'Run the default target of another deployfile')
    .example('$0 deploy --dry-run', 'Show the stages and commands without running anything')
    .example('$0 deploy --schedule stages -j2', 'Run stage by stage, as a staged Makefile would')
    .example('$0 deploy --gantt --profile trace.json', 'Show where the time went')
    .example('$0 compare deploy -j 1..4 --simulate', 'Which -j? Predicted from history')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .option('version', { type: 'boolean', describe: 'Show the version' })
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
}

export async function main(args: readonly string[]): Promise<number> {
  tolerateClosedStdout();
  process.exitCode = 0;
  try {
    await buildParser(args).parseAsync();
    return Number(process.exitCode ?? 0);
  } catch (error) {
    return printFailure(error);
  }
}
