/**
 * The command line: parses arguments (yargs) and hands them, typed by each command's option
 * spec (`commands/<command>-spec.ts`), to a command. Commands wire library pieces together and print; they take their
 * input and output as a `CliIo`, so tests run them in-process. Each command's module is
 * imported when it runs: `--help` and a mistyped flag load yargs and nothing else.
 */
import yargs, { type Argv, type Options } from 'yargs';
import { UsageError } from '../lib/errors.js';
import { ENGINES } from '../lib/export/engines.js';
import { closest } from '../lib/util/suggest.js';
import { type CompareArgs, compareSpec } from './commands/compare-spec.js';
import { type ExportArgs, exportSpec } from './commands/export-spec.js';
import { type HistoryArgs, historySpec } from './commands/history-spec.js';
import { type ReportArgs, reportSpec } from './commands/report-spec.js';
import { type RunArgs, runSpec } from './commands/run-spec.js';
import { deployfileSpec, type HashArgs } from './commands/spec.js';
import { printFailure } from './fail.js';
import { type CliIo, withMasking } from './io.js';

/** Each command and its options (for suggestions when one is mistyped or given to the wrong command). */
const OPTIONS_OF: Record<string, Record<string, Options>> = {
  run: runSpec,
  compare: compareSpec,
  history: historySpec,
  report: reportSpec,
  hash: deployfileSpec,
  export: exportSpec,
};

const COMMAND_NAMES = Object.keys(OPTIONS_OF);
const targetsPositional = {
  type: 'string',
  array: true,
  describe: 'Tasks, services, or task names shared by services (default: the pipeline default)',
} as const;

/**
 * `-j1,2` and `-j1..3`: yargs reads a digit after a short flag as another flag (`-1`), so
 * a short option's glued value is split off first (`-j` `1,2`).
 */
export function splitGluedValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === '--') {
      out.push(...args.slice(index));
      break;
    }
    const glued = /^-j(.+)$/.exec(arg);
    if (glued) out.push('-j', glued[1]!.replace(/^=/, ''));
    else out.push(arg);
  }
  return out;
}

/** The command `args` name (the first word that is one, before `--`), or the default, run. */
function commandOf(args: readonly string[]): string {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).find((arg) => COMMAND_NAMES.includes(arg)) ?? 'run';
}

/**
 * A string option given without its value (`--only` at the end of the line, `--report=`,
 * `--schedule --yes`) is refused, never read as "not given": yargs would quietly give it
 * its default. Read from the words as typed, before yargs fills defaults in. Some options
 * mean something bare (`--force`: everything; `--graph`: DOT; `--merge`: the default pattern); -j and --history-limit say
 * so in their own words.
 */
const BARE_MEANS_SOMETHING = new Set(['force', 'graph', 'merge', 'jobs', 'history-limit']);

function refuseEmptyValues(args: readonly string[], command: string): void {
  const spec = OPTIONS_OF[command]!;
  const optionOf = new Map<string, string>();
  for (const [name, option] of Object.entries(spec)) {
    if (option.type !== 'string' || BARE_MEANS_SOMETHING.has(name)) continue;
    optionOf.set(`--${name}`, name);
    for (const alias of ([] as string[]).concat(option.alias ?? [])) optionOf.set(alias.length === 1 ? `-${alias}` : `--${alias}`, name);
  }
  const end = args.indexOf('--');
  const words = end === -1 ? args : args.slice(0, end);
  for (const [index, word] of words.entries()) {
    const equals = word.indexOf('=');
    const flag = equals === -1 ? word : word.slice(0, equals);
    const name = optionOf.get(flag);
    if (name === undefined) continue;
    const next = words[index + 1];
    // A following word that is itself an option is not a value; `-` (standard output) and `-1` are.
    const empty =
      equals !== -1 ? equals === word.length - 1 : next === undefined || (next.startsWith('-') && next !== '-' && !/^-\d/.test(next));
    if (!empty) continue;
    const error = new UsageError(`${flag} needs a value`);
    const describe = spec[name]!.describe;
    if (typeof describe === 'string') error.hints.push(`${flag}: ${describe}`);
    throw error;
  }
}

/** yargs' "Unknown arguments: bogus-flag, bogusFlag" → one message naming each option once, with a suggestion. */
function unknownArguments(message: string, command: string): UsageError {
  const known = optionNames(OPTIONS_OF[command]!);
  const names = message.replace(/^Unknown arguments?: /, '').split(', ');
  // yargs lists `bogus-flag` and its camel-case twin `bogusFlag`: keep the one the user typed.
  const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const typed = names.filter((name) => !names.some((other) => other !== name && camel(other) === name));
  const shown = typed.map((name) => (name.length === 1 ? `-${name}` : /^\d/.test(name) ? name : `--${name}`));
  const error = new UsageError(`unknown option${shown.length === 1 ? '' : 's'} ${shown.join(', ')}`);
  // Which other commands take an option: `--only is an option of stagerun run and stagerun compare`.
  const others = Object.keys(OPTIONS_OF).filter((other) => other !== command);
  const takenBy = (option: string) => {
    const where = others.filter((other) => optionNames(OPTIONS_OF[other]!).includes(option)).map((other) => `stagerun ${other}`);
    return `an option of ${where.length > 1 ? `${where.slice(0, -1).join(', ')} and ${where.at(-1)}` : where[0]}, not of stagerun ${command}`;
  };
  const elsewhere = optionNames(...others.map((other) => OPTIONS_OF[other]!)).filter((option) => !known.includes(option));
  for (const name of typed) {
    const own = closest(name, known);
    const other = elsewhere.includes(name) ? name : own ? undefined : closest(name, elsewhere);
    if (other === name) error.hints.push(`--${name} is ${takenBy(name)}`);
    else if (own) error.hints.push(`did you mean --${own}?`);
    else if (other) error.hints.push(`did you mean --${other}? It is ${takenBy(other)}`);
  }
  error.hints.push(command === 'run' ? 'see stagerun --help' : `see stagerun ${command} --help`);
  return error;
}

/** yargs' "Invalid values: Argument: ci, Given: "jenkins", Choices: …" → `--ci must be github, … or none (got "jenkins")`. */
function invalidChoices(message: string): UsageError {
  const problems = [...message.matchAll(/Argument: ([\w-]+), Given: (.*?), Choices: (.*)$/gm)].map(([, name, given, list]) => {
    const choices = list!.split(', ').map((choice) => choice.replace(/^"|"$/g, ''));
    return `--${name} must be ${orList(choices)} (got ${given})`;
  });
  return new UsageError(problems.length > 0 ? problems.join('; ') : message);
}

/** `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : items.join('');
}

function optionNames(...specs: Record<string, Options>[]): string[] {
  return [
    ...new Set(
      specs.flatMap((spec) => Object.keys(spec)).concat(['help', 'version', 'no-history', 'no-summary', 'no-progress', 'no-color']),
    ),
  ];
}

/** Parses `args` and runs the command they name; resolves to its exit code. */
export async function main(args: readonly string[], given: CliIo): Promise<number> {
  const io = withMasking(given);
  let exitCode = 0;
  const parser = yargs()
    .scriptName('stagerun')
    .usage(
      "Usage: $0 [targets..] [options] [-- args for the target tasks]   or   $0 <command> [options]\n\nRuns the deployfile's tasks, at most N at once, each as soon as what it needs is done.",
    )
    .parserConfiguration({ 'populate--': true })
    .command(
      ['$0 [targets..]', 'run [targets..]'],
      'Run targets (the default command)',
      (y: Argv) => y.positional('targets', targetsPositional).options(runSpec),
      async (argv) => {
        exitCode = await (await import('./commands/run.js')).runCommand(argv as RunArgs, io);
      },
    )
    .command(
      'compare [targets..]',
      'Run (or --simulate) the targets at several -j and compare makespans',
      (y: Argv) =>
        y
          .positional('targets', targetsPositional)
          .options(compareSpec)
          .example('$0 compare deploy -j 1..3 --schedule dag,stages', 'Deploy six times and compare')
          .example('$0 compare deploy -j 1..8 --simulate', 'Predict from history; runs nothing'),
      async (argv) => {
        exitCode = await (await import('./commands/compare.js')).compareCommand(argv as CompareArgs, io);
      },
    )
    .command(
      'history [target]',
      'Recent runs, and per-task p50/p95 durations and success rates',
      (y: Argv) =>
        y.positional('target', { type: 'string', describe: 'Only runs of this target (or that ran this task)' }).options(historySpec),
      async (argv) => {
        exitCode = await (await import('./commands/history.js')).historyCommand(argv as HistoryArgs, io);
      },
    )
    .command(
      'report',
      'Show a recorded run as a Mermaid gantt, a terminal Gantt chart, a trace, JSON or a table',
      (y: Argv) => y.options(reportSpec).example('$0 report --last --format mermaid >> summary.md', 'A Gantt chart for a pull request'),
      async (argv) => {
        exitCode = await (await import('./commands/report.js')).reportCommand(argv as ReportArgs, io);
      },
    )
    .command(
      'hash <task>',
      "Print the task's content key (from its inputs, command, env and dependencies): an image tag that changes only with the code",
      (y: Argv) => y.positional('task', { type: 'string', demandOption: true, describe: 'The task' }).options(deployfileSpec),
      async (argv) => {
        exitCode = await (await import('./commands/hash.js')).hashCommand(argv as HashArgs, io);
      },
    )
    .command(
      'export <engine> [targets..]',
      'Write the pipeline as a GitHub Actions workflow, a GitLab CI pipeline or a Bitbucket Pipelines file, one job per task',
      (y: Argv) =>
        y
          .positional('engine', { type: 'string', demandOption: true, describe: orList(ENGINES) })
          .positional('targets', targetsPositional)
          .options(exportSpec)
          .example('$0 export github-actions deploy -o .github/workflows/deploy.yml', 'One job per task, needs mirroring the dependencies'),
      async (argv) => {
        exitCode = await (await import('./commands/export.js')).exportCommand(argv as ExportArgs, io);
      },
    )
    .example('$0 deploy -j3', 'Deploy with at most 3 tasks at once')
    .example('$0 -f examples/seed-services/deployfile.ts -j2', 'Run the default target of another deployfile')
    .example('$0 deploy --dry-run', 'Show the stages and commands without running anything')
    .example('$0 deploy --schedule stages -j2', 'Run stage by stage, as a staged Makefile would')
    .example('$0 deploy --gantt --profile trace.json', 'Show where the time went')
    .example('$0 compare deploy -j 1..4 --simulate', 'Which -j? Predicted from history')
    .example('$0 migrate -- --dry', 'Pass --dry to the migrate task')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .option('version', { type: 'boolean', describe: 'Show the version' })
    .wrap(Math.min(110, io.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      if (/^Unknown arguments?: /.test(message)) throw unknownArguments(message, commandOf(args));
      if (message.startsWith('Invalid values:')) throw invalidChoices(message);
      throw new UsageError(message);
    });
  try {
    refuseEmptyValues(args, commandOf(args));
    let help = '';
    await parser.parseAsync(splitGluedValues(args), {}, (_error, _argv, output) => {
      help = output;
    });
    if (help) io.stdout.write(`${help}\n`);
    return exitCode;
  } catch (error) {
    return printFailure(error, io);
  }
}

export { COMMAND_NAMES };
