/**
 * The command line: parses arguments (yargs) and hands them to a command. Commands only
 * wire library pieces together; what they print comes from lib/render and lib/report.
 */
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../lib/errors.js';
import { printFailure } from './fail.js';
import { tolerateClosedStdout } from './terminal.js';
import { runCommand, type RunArgs } from './commands/run.js';

/** Options every command that reads a deployfile shares. */
export function deployfileOptions<T>(y: Argv<T>) {
  return y
    .option('file', { alias: 'f', type: 'string', describe: 'Deployfile to use (default: deployfile.ts, .mts, .js or .mjs, looked up from here upwards)' })
    .option('color', { type: 'boolean', describe: 'Force colour on or off (default: on for a terminal; NO_COLOR turns it off)' });
}

function runOptions<T>(y: Argv<T>) {
  return deployfileOptions(y)
    .positional('targets', { type: 'string', array: true, describe: 'Tasks, services, or task names shared by services (default: the pipeline default)' })
    .option('jobs', { alias: 'j', type: 'number', describe: 'Run at most N tasks at once (default: number of CPUs)' })
    .option('keep-going', { alias: 'k', type: 'boolean', default: false, describe: 'After a failure, keep running tasks that do not depend on it' })
    .option('schedule', { type: 'string', choices: ['dag', 'stages'], default: 'dag', describe: 'dag: start each task as soon as its deps are done, longest remaining chain first; stages: run stage by stage, as a staged Makefile' })
    .option('dry-run', { alias: 'n', type: 'boolean', default: false, describe: 'Print the stages, deps and commands; run nothing' })
    .option('list', { alias: 'l', type: 'boolean', default: false, describe: 'List tasks with their deps and descriptions' })
    .option('graph', { type: 'string', describe: 'Print the graph as Graphviz DOT (default) or Mermaid (--graph mermaid)' })
    .option('report', { type: 'string', describe: 'Write the run report (JSON) to FILE' })
    .option('output', { type: 'string', choices: ['stream', 'grouped'], default: 'stream', describe: "stream: each line as it comes, prefixed with the task's name; grouped: each task's output in one block when it ends" })
    .option('grace', { type: 'number', default: 5, describe: 'Seconds a stopped task gets between SIGTERM and SIGKILL' })
    .option('summary', { type: 'boolean', default: true, describe: 'Print the table of tasks at the end (--no-summary to leave it out)' });
}

export function buildParser(args: readonly string[]) {
  return yargs([...args])
    .scriptName('stagerun')
    .usage('Usage: $0 [targets..] [options]\n\nRuns the deployfile\'s tasks, at most N at once, each as soon as what it needs is done.')
    .command(
      ['$0 [targets..]', 'run [targets..]'],
      'Run targets (the default command)',
      (y) => runOptions(y),
      async (argv) => {
        process.exitCode = await runCommand(argv as unknown as RunArgs);
      },
    )
    .example('$0 deploy -j3', 'Deploy with at most 3 tasks at once')
    .example('$0 -f examples/seed-services/deployfile.ts -j2', 'Run the default target of another deployfile')
    .example('$0 deploy --dry-run', 'Show the stages and commands without running anything')
    .example('$0 deploy --schedule stages -j2', 'Run stage by stage, as a staged Makefile would')
    .example('$0 --graph mermaid > graph.mmd', 'Draw the graph')
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
