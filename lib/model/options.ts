/**
 * Every task option, declared once. Each entry says what a deployfile may write (its type,
 * which the editor checks), how a written value is checked (with the reason shown when it
 * is wrong) and what the task holds when it is absent. `TaskOptions` (what authors write)
 * and `TaskSettings` (what the engine reads) are derived from this table, and so is the
 * check of unknown option names: adding an option is one entry here, and its use.
 */

import { DURATION_HINT, type Duration, parseDuration } from './duration.js';
import type { Command, Dependency, Service } from './model.js';
import { badName, NAME_RULES, type NameKind } from './names.js';
import { isService, isTaskRef } from './refs.js';

/** What a check sees besides the value: the task it belongs to. */
export interface OptionContext {
  readonly task: string;
  readonly inService: boolean;
}

/** A value that is wrong: the reason, written to follow the option's name ("must be …"). */
export class OptionProblem {
  constructor(
    readonly reason: string,
    /** The part of the value that is wrong, when it is not the whole value (e.g. `env.X`). */
    readonly path?: string,
    readonly value?: unknown,
  ) {}
}

export interface OptionSpec<Input, Setting> {
  /** Turns a written value (never undefined) into the setting, or returns a problem. */
  readonly read: (value: unknown, context: OptionContext) => Setting | OptionProblem;
  /** The setting when the option is not written. */
  readonly absent: Setting;
  /** Carries the input type only. */
  readonly input?: Input;
}

function option<Input, Setting = Input>(
  absent: Setting,
  read: (value: unknown, context: OptionContext) => Setting | OptionProblem,
): OptionSpec<Input, Setting> {
  return { read, absent };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readString(value: unknown): string | OptionProblem {
  return typeof value === 'string' ? value : new OptionProblem('must be a string');
}

function readCommand(value: unknown): Command | OptionProblem {
  if (typeof value === 'function') return value as Command;
  if (typeof value === 'string') return value.trim() === '' ? new OptionProblem('is an empty command') : value;
  if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === 'string') && value[0] !== '') {
    return value as unknown as Command;
  }
  return new OptionProblem('must be a shell command string, a non-empty argv array of strings, or a function');
}

/** A check is a command (a shell string or argv), never a function: it asks a system outside stagerun. */
function readCheck(value: unknown): string | readonly string[] | OptionProblem {
  if (typeof value === 'function') return new OptionProblem('must be a command (a shell string or an argv array), not a function');
  const command = readCommand(value);
  return command instanceof OptionProblem ? command : (command as string | readonly string[]);
}

function readRefs<T>(value: unknown): readonly T[] | OptionProblem {
  if (!Array.isArray(value)) return new OptionProblem('must be an array of task handles or names');
  for (const ref of value) {
    if (typeof ref !== 'string' && !isTaskRef(ref) && !isService(ref))
      return new OptionProblem('must hold task handles, service handles or names', undefined, ref);
  }
  return [...value] as T[];
}

export function readEnv(value: unknown): Readonly<Record<string, string | undefined>> | OptionProblem {
  if (!isPlainObject(value)) return new OptionProblem('must be an object of strings');
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined && typeof entry !== 'string')
      return new OptionProblem('must be a string (or undefined to remove it)', `env.${key}`, entry);
  }
  return { ...(value as Record<string, string | undefined>) };
}

function readDuration(value: unknown): number | OptionProblem {
  const ms = parseDuration(value);
  return ms === undefined ? new OptionProblem(`must be ${DURATION_HINT}`) : ms;
}

/** A time limit: 0 would stop every attempt at once, and is often meant as "no limit" (GNU timeout's 0): refused. */
function readTimeLimit(value: unknown): number | OptionProblem {
  const ms = readDuration(value);
  return ms === 0 ? new OptionProblem('must be more than 0 (leave timeout out for no limit)') : ms;
}

function readWhole(min: number) {
  return (value: unknown): number | OptionProblem =>
    Number.isInteger(value) && (value as number) >= min
      ? (value as number)
      : new OptionProblem(`must be a whole number of at least ${min}`);
}

function readNames(what: NameKind) {
  return (value: unknown): readonly string[] | OptionProblem => {
    if (!(Array.isArray(value) && value.every((name) => typeof name === 'string' && name !== '')))
      return new OptionProblem(`must be an array of ${what} names`);
    const bad = badName(what, value as string[]);
    if (bad !== undefined) return new OptionProblem(`must hold ${what} names: ${NAME_RULES[what].says}`, undefined, bad);
    return [...value];
  };
}

/** The task options. The comments are what the editor shows on hover. */
export const TASK_OPTIONS = {
  /** What to run: a shell command, an argv array (no shell), or an async function. A task without `run` is a goal. */
  run: option<Command, Command | undefined>(undefined, readCommand),
  /** Tasks (or services, meaning all of their tasks) that must succeed before this one starts. */
  deps: option<readonly Dependency[]>([], (value) => readRefs<Dependency>(value)),
  /** Runs after the task of the same name in each of these services (service tasks only). */
  after: option<readonly (Service | string)[]>([], (value, context) =>
    context.inService ? readRefs<Service | string>(value) : new OptionProblem("is for a service's tasks; use deps here"),
  ),
  /** Shown by `--list` and `--dry-run`. */
  description: option<string, string | undefined>(undefined, readString),
  /** Directory to run in, relative to the service's directory (or the deployfile's). */
  cwd: option<string, string | undefined>(undefined, readString),
  /** Environment variables added to the run's; `undefined` removes one. */
  env: option<Readonly<Record<string, string | undefined>>>({}, readEnv),
  /** Longest one attempt may run ('58s', '15m', ms): then its process tree gets SIGTERM, SIGKILL after the grace period, and the attempt times out. */
  timeout: option<Duration, number | undefined>(undefined, readTimeLimit),
  /** Attempts after a failed or timed-out one. Default 0. */
  retries: option<number>(0, readWhole(0)),
  /** Wait before a retry ('2s', ms). Default 0. The task holds no slot meanwhile. */
  retryDelay: option<Duration, number>(0, readDuration),
  /** Each retry waits this many times longer than the one before. Default 1. */
  retryBackoff: option<number>(1, (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 1 ? value : new OptionProblem('must be a number of at least 1'),
  ),
  /** Exit codes that count as success. 0 is `ok`; any other listed code is `no-change`. Default [0]. */
  okExitCodes: option<readonly number[]>([0], (value) =>
    Array.isArray(value) && value.length > 0 && value.every((code) => Number.isInteger(code) && code >= 0 && code <= 255)
      ? [...value]
      : new OptionProblem('must be a non-empty array of exit codes (whole numbers 0–255)'),
  ),
  /** Output that means "nothing to do" (a pattern, or text to find): the task ends `no-change`, a success. */
  noChange: option<RegExp | string, RegExp | undefined>(undefined, (value) => {
    if (value instanceof RegExp) return new RegExp(value.source, value.flags.replace(/[gy]/g, ''));
    if (typeof value === 'string' && value !== '') return new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new OptionProblem('must be a regular expression or a non-empty string');
  }),
  /** A question a person must answer yes to before the task starts (`--yes` or `--approve NAME` answer it ahead). */
  approval: option<string | true, string | undefined>(undefined, (value) => {
    if (value === true) return 'Run this task?';
    return typeof value === 'string' && value.trim() !== ''
      ? value
      : new OptionProblem('must be the question to ask (a non-empty string), or true');
  }),
  /** Counted resources (declared in `pipeline({ resources })`) the task holds one unit of while it runs. */
  uses: option<readonly string[]>([], readNames('resource')),
  /**
   * Files the task's result depends on: globs relative to its directory (`'src/**'`,
   * `'!**\/*.md'` excludes). With inputs, a task whose files, command, env and dependencies
   * are those of its last successful run is up to date and is not run again.
   */
  inputs: option<readonly string[]>([], readNames('glob')),
  /**
   * Files the task produces (globs relative to its directory, as `inputs`): when the
   * pipeline is exported to a CI system, they are saved after the task's job and restored in
   * the jobs of the tasks that need it.
   */
  outputs: option<readonly string[]>([], readNames('glob')),
  /**
   * A command that asks the target system whether this task's effect already exists for its
   * key (`$STAGERUN_HASH` is set): exit 0 means it does, and the task is up to date without
   * running; any other exit means it runs. It must only look, never change anything: it also
   * runs for `--dry-run`. Example: `'docker manifest inspect "$IMAGE:$STAGERUN_HASH"'`.
   */
  check: option<string | readonly string[], string | readonly string[] | undefined>(undefined, readCheck),
  /** Environment variables whose values belong in the task's key, besides those of its `env`. */
  inputsEnv: option<readonly string[]>([], readNames('environment variable')),
  /** Leave out of `inputs` what `.gitignore` files ignore. Default true. */
  respectGitignore: option<boolean>(true, (value) => (typeof value === 'boolean' ? value : new OptionProblem('must be true or false'))),
  /** Lines of its output a failure shows, the last ones (besides the first lines that look like errors). Default: `--tail`, else 15. */
  tail: option<number, number | undefined>(undefined, readWhole(1)),
  /** Labels to select tasks by: `--only fast`, `--skip slow`. */
  tags: option<readonly string[]>([], readNames('tag')),
  /** Environment variables whose values are never shown (besides the pipeline's `secrets` and names that look secret). */
  secrets: option<readonly string[]>([], readNames('environment variable')),
} satisfies Record<string, OptionSpec<unknown, unknown>>;

type InputOf<Spec> = Spec extends OptionSpec<infer Input, unknown> ? Input : never;
type SettingOf<Spec> = Spec extends OptionSpec<unknown, infer Setting> ? Setting : never;

/** What a deployfile writes for a task. */
export type TaskOptions = { [Name in keyof typeof TASK_OPTIONS]?: InputOf<(typeof TASK_OPTIONS)[Name]> };
/** Every option of a task, checked, with its default where it was not written. */
export type TaskSettings = { readonly [Name in keyof typeof TASK_OPTIONS]: SettingOf<(typeof TASK_OPTIONS)[Name]> };
export const TASK_OPTION_NAMES = Object.keys(TASK_OPTIONS) as (keyof typeof TASK_OPTIONS)[];

/** Every option at its default: each task's settings start as a copy (one object shape for all tasks). */
const ABSENT = Object.fromEntries(TASK_OPTION_NAMES.map((name) => [name, (TASK_OPTIONS[name] as OptionSpec<unknown, unknown>).absent]));
const OPTION_ORDER = new Map<string, number>(TASK_OPTION_NAMES.map((name, index) => [name, index]));
const NO_PROBLEMS: never[] = [];

/**
 * Reads every written option; problems are returned, not thrown, so that all of them are
 * reported at once (in the order of TASK_OPTIONS). Only the keys written are visited: a
 * task declared with `run` and `deps` costs two reads, not one per option.
 */
export function readTaskOptions(
  options: Record<string, unknown>,
  context: OptionContext,
): { settings: TaskSettings; problems: { option: string; problem: OptionProblem; value: unknown }[] } {
  const settings: Record<string, unknown> = { ...ABSENT };
  let problems: { option: string; problem: OptionProblem; value: unknown; order: number }[] | undefined;
  for (const name of Object.keys(options)) {
    const order = OPTION_ORDER.get(name);
    const value = options[name];
    // Unknown keys are the caller's to report.
    if (order === undefined || value === undefined) continue;
    const read = (TASK_OPTIONS[name as keyof typeof TASK_OPTIONS] as OptionSpec<unknown, unknown>).read(value, context);
    if (read instanceof OptionProblem) {
      problems ??= [];
      problems.push({ option: read.path ?? name, problem: read, value: read.value !== undefined ? read.value : value, order });
    } else {
      settings[name] = read;
    }
  }
  if (!problems) return { settings: settings as TaskSettings, problems: NO_PROBLEMS };
  problems.sort((a, b) => a.order - b.order);
  return { settings: settings as TaskSettings, problems: problems.map(({ option, problem, value }) => ({ option, problem, value })) };
}

/** The settings of a task with no options written: shared, since most goals have none. */
export const DEFAULT_SETTINGS: TaskSettings = readTaskOptions({}, { task: '', inService: false }).settings;
