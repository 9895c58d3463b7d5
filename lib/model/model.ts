/**
 * The deployfile API: `pipeline()`, `service()`, and the handles they return.
 *
 * Declaring records definitions only; names are resolved and checked later
 * (`plan/resolve.ts`), so tasks may be declared in any order and in any file. A mistake in a
 * declaration (a bad option, a duplicate name) does not throw where it is made: it is
 * recorded with the line that made it, and every mistake in the deployfile is reported
 * together when the pipeline is checked.
 */
import { type Declaring, DuplicateTaskError, InvalidTaskError, type StagerunError } from '../errors.js';
import { closest } from '../util/suggest.js';
import { type CallSite, captureSite, locate } from './location.js';
import { badName, NAME_RULES } from './names.js';
import { OptionProblem, readEnv, readTaskOptions, TASK_OPTION_NAMES, type TaskOptions, type TaskSettings } from './options.js';
import { isPipelineBrand, isService, isTaskRef, PIPELINE, REF } from './refs.js';
import { DEFAULT_SECRET_NAMES } from './secret-names.js';

export type { Duration } from './duration.js';
export type { TaskOptions } from './options.js';

export type OutputStream = 'stdout' | 'stderr';

/** The part of an AbortSignal stagerun relies on. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * The platform's AbortSignal where its types are loaded (Node's or the DOM's, so that it can
 * be passed to `fetch`), else the part stagerun relies on: a deployfile type-checks without
 * @types/node.
 */
export type Signal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** What a function task receives. */
export interface TaskContext {
  /** The task's full name, e.g. `service_d:deploy`. */
  readonly name: string;
  /** The directory the task runs in (absolute). */
  readonly cwd: string;
  /** The environment the task would give a process: the run's, the service's and the task's. */
  readonly env: Readonly<Record<string, string>>;
  /** Aborted when the run is interrupted (Ctrl-C), stopped, or the task's time limit is reached; stop your work when it fires. */
  readonly signal: Signal;
  /** Writes a line of output under the task's name. */
  log(...parts: unknown[]): void;
  /** Words given after `--` on the command line, when this task is one the targets name; otherwise empty. */
  readonly args: readonly string[];
  /** Which attempt this is: 1, then 2 and up on retries. */
  readonly attempt: number;
  /** The task's content key (16 hex digits) when the pipeline uses `inputs`: an image tag that changes only with the code. */
  readonly hash: string | undefined;
}

export type TaskFunction = (context: TaskContext) => unknown;

/**
 * A shell command (`'make -C a deploy'`, run by /bin/sh), an argv array run without a
 * shell (`['make', '-C', 'a', 'deploy']`), or an async function run in-process.
 */
export type Command = string | readonly [string, ...string[]] | TaskFunction;

/** A handle to a declared task. Pass it in `deps` instead of a name to let the editor check it. */
export class TaskRef<Name extends string = string> {
  readonly [REF] = 'task' as const;
  constructor(readonly name: Name) {}
  toString(): string {
    return this.name;
  }
}

/** A dependency: a task handle, a service handle (all of its tasks), or a name. */
export type Dependency = TaskRef | Service | string;

export interface ServiceOptions {
  /** The service's directory, relative to the deployfile. Default: the service's name. */
  dir?: string;
  /** Every task of this service runs after the task of the same name in these services. */
  after?: readonly (Service | string)[];
  /** Environment variables for every task of the service. */
  env?: Readonly<Record<string, string | undefined>>;
  description?: string;
  /** Tags for every task of the service (`--only`, `--skip`). */
  tags?: readonly string[];
}

/** A task as declared, before names are resolved. */
export interface TaskDefinition {
  readonly name: string;
  readonly service: Service | undefined;
  readonly settings: TaskSettings;
  /** Where it was declared (read only when an error needs it). */
  readonly site: CallSite | undefined;
}

const SERVICE_OPTION_NAMES = ['dir', 'after', 'env', 'description', 'tags'] as const;
const PIPELINE_OPTION_NAMES = ['root', 'env', 'resources', 'secrets', 'secretNames'] as const;
const NAME_PATTERN = /^[A-Za-z0-9_.@/+-][A-Za-z0-9_.@/+:-]*$/;

/** A mistake found while declaring, kept with where it was made. */
export interface Declared<E extends StagerunError = StagerunError> {
  readonly error: E;
  readonly site: CallSite | undefined;
}

/** A mistake in the pipeline's own options, or in what is given to its methods. */
const pipelineProblem = (option: string, value: unknown, reason: string) =>
  new InvalidTaskError('pipeline', option, value, reason, undefined, 'pipeline');

/** A mistake in a service's options. */
const serviceProblem = (name: string, option: string, value: unknown, reason: string) =>
  new InvalidTaskError(name, option, value, reason, undefined, 'service');

function nameProblem(kind: 'task' | 'service', name: unknown, local: boolean): InvalidTaskError | undefined {
  if (typeof name === 'string' && NAME_PATTERN.test(name) && !(local && name.includes(':'))) return undefined;
  return new InvalidTaskError(
    typeof name === 'string' ? name : String(name),
    `${kind} name`,
    name,
    local
      ? "must be ASCII letters, digits and _ . @ / + - (no ':' in a service's task names; stagerun adds the service prefix)"
      : "must be ASCII letters, digits and _ . @ / + - :, and must not start with ':'",
    undefined,
    kind,
  );
}

function unknownKeys(
  owner: string,
  options: object,
  known: readonly string[],
  what: string,
  subject: Declaring = 'task',
): InvalidTaskError[] {
  let errors: InvalidTaskError[] | undefined;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = closest(key, known);
    errors ??= [];
    errors.push(
      new InvalidTaskError(
        owner,
        `${what} '${key}'`,
        (options as Record<string, unknown>)[key],
        `is not an option${hint ? ` (did you mean '${hint}'?)` : ''}; options are ${known.join(', ')}`,
        undefined,
        subject,
      ),
    );
  }
  return errors ?? [];
}

function optionErrors(task: string, problems: { option: string; problem: OptionProblem; value: unknown }[]): InvalidTaskError[] {
  return problems.map(({ option, problem, value }) => new InvalidTaskError(task, option, value, problem.reason));
}

function checkRefs(owner: string, option: string, refs: readonly unknown[], subject: Declaring = 'task'): InvalidTaskError[] {
  return refs
    .filter((ref) => typeof ref !== 'string' && !isTaskRef(ref) && !isService(ref))
    .map((ref) => new InvalidTaskError(owner, option, ref, 'must hold task handles, service handles or names', undefined, subject));
}

/**
 * Reads a task declaration: its settings, and any mistakes in it. A task whose options
 * are wrong still gets a definition (with defaults), so that its name resolves and one
 * mistake does not hide the others.
 */
function declare(
  name: string,
  options: unknown,
  service: Service | undefined,
  site: CallSite | undefined,
): { definition: TaskDefinition; errors: InvalidTaskError[] } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const { settings } = readTaskOptions({}, { task: name, inService: service !== undefined });
    return {
      definition: { name, service, settings, site },
      errors: [new InvalidTaskError(name, 'options', options, 'must be an object like { run, deps }')],
    };
  }
  const errors = unknownKeys(name, options, TASK_OPTION_NAMES, 'option');
  const { settings, problems } = readTaskOptions(options as Record<string, unknown>, { task: name, inService: service !== undefined });
  if (problems.length > 0) errors.push(...optionErrors(name, problems));
  return { definition: { name, service, settings, site }, errors };
}

/**
 * A service: a named group of tasks that run in the service's directory, named
 * `<service>:<task>`. Declare it in its own file with `service()` and add it to the
 * pipeline with `p.add()`, or create it in place with `p.service()`.
 */
export class Service<Name extends string = string> {
  readonly [REF] = 'service' as const;
  readonly #tasks = new Map<string, TaskDefinition>();
  readonly #after: (Service | string)[] = [];
  readonly #problems: Declared[] = [];
  readonly dir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly description: string | undefined;
  readonly tags: readonly string[];

  constructor(
    readonly name: Name,
    options: ServiceOptions = {},
  ) {
    const site = captureSite(Service);
    const problem = nameProblem('service', name, true);
    if (problem) this.#problems.push({ error: problem, site });
    let dir: string = name;
    let env: Readonly<Record<string, string | undefined>> = {};
    if (typeof options !== 'object' || options === null) {
      this.#problems.push({ error: serviceProblem(name, 'options', options, 'must be an object like { dir, after }'), site });
    } else {
      for (const error of unknownKeys(name, options, SERVICE_OPTION_NAMES, 'option', 'service')) this.#problems.push({ error, site });
      if (options.dir !== undefined && typeof options.dir !== 'string')
        this.#problems.push({ error: serviceProblem(name, 'dir', options.dir, 'must be a string'), site });
      else if (options.dir !== undefined) dir = options.dir;
      if (options.after !== undefined) this.#addAfter(options.after, site);
      if (options.env !== undefined) {
        const read = readEnv(options.env);
        if (read instanceof OptionProblem)
          this.#problems.push({ error: serviceProblem(name, read.path ?? 'env', read.value ?? options.env, read.reason), site });
        else env = read;
      }
    }
    this.dir = dir;
    this.env = env;
    this.description = typeof options?.description === 'string' ? options.description : undefined;
    const tags = (options as ServiceOptions | null)?.tags;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string' && tag !== ''))) {
      this.#problems.push({ error: serviceProblem(name, 'tags', tags, 'must be an array of tag names'), site });
      this.tags = [];
    } else {
      this.tags = tags ? [...tags] : [];
    }
  }

  #addAfter(services: readonly unknown[] | unknown, site: CallSite | undefined): void {
    if (!Array.isArray(services)) {
      this.#problems.push({ error: serviceProblem(this.name, 'after', services, 'must be an array of services or service names'), site });
      return;
    }
    const errors = checkRefs(this.name, 'after', services, 'service');
    for (const error of errors) this.#problems.push({ error, site });
    if (errors.length === 0) this.#after.push(...(services as (Service | string)[]));
  }

  /** Declares `<service>:<name>`. Plain names in `deps` refer to this service's tasks first. */
  task<const Local extends string>(name: Local, options: TaskOptions = {}): TaskRef<`${Name}:${Local}`> {
    const site = captureSite(this.task, this.#tasks.size);
    const full = `${this.name}:${name}` as `${Name}:${Local}`;
    const invalid = nameProblem('task', name, true);
    if (invalid) this.#problems.push({ error: invalid, site });
    const { definition, errors } = declare(full, options, this, site);
    for (const error of errors) this.#problems.push({ error, site });
    if (this.#tasks.has(full)) this.#problems.push({ error: new DuplicateTaskError(full), site });
    else if (!invalid) this.#tasks.set(full, definition);
    return new TaskRef(full);
  }

  /** Every task of this service runs after the task of the same name in each of `services`. */
  after(...services: (Service | string)[]): this {
    this.#addAfter(services, captureSite(this.after));
    return this;
  }

  /** @internal */
  get definitions(): Iterable<TaskDefinition> {
    return this.#tasks.values();
  }

  /** @internal */
  get upstream(): readonly (Service | string)[] {
    return this.#after;
  }

  /** @internal Mistakes made declaring this service and its tasks. */
  get problems(): readonly Declared[] {
    return this.#problems;
  }

  toString(): string {
    return this.name;
  }
}

export interface PipelineOptions {
  /** Directory that relative `cwd`s and service `dir`s start from. Default: the deployfile's directory (or the current one). */
  root?: string;
  /** Environment variables for every task. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Counted resources, by name: how many tasks that `uses` each may run at once, on top of
   * `-j`. `{ 'prod-db': 1 }` makes every task that uses the production database run alone.
   */
  resources?: Readonly<Record<string, number>>;
  /** Environment variables whose values are never shown, in any task's output or anything stagerun writes. */
  secrets?: readonly string[];
  /**
   * Names (globs) of variables whose values are secret whatever the deployfile says.
   * Default: `*_TOKEN`, `*_SECRET*`, `*PASSWORD*`, `*_KEY` (case-insensitive); `[]` turns it off.
   */
  secretNames?: readonly string[];
}

/** A set of tasks and services; the deployfile's default export. */
export class Pipeline {
  readonly [PIPELINE] = true;
  readonly #tasks = new Map<string, TaskDefinition>();
  readonly #services = new Map<string, Service>();
  /** Tasks and services in the order they were added: the declaration order that breaks ties. */
  readonly #entries: (TaskDefinition | Service)[] = [];
  readonly #problems: Declared[] = [];
  #defaults: (TaskRef | Service | string)[] = [];
  /** Set by the loader: the file this pipeline came from, for error messages. */
  source: string | undefined;
  root: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly resources: Readonly<Record<string, number>>;
  readonly secrets: readonly string[];
  readonly secretNames: readonly string[];

  constructor(options: PipelineOptions = {}) {
    const site = captureSite(Pipeline);
    let env: Readonly<Record<string, string | undefined>> = {};
    const resources: Record<string, number> = {};
    if (typeof options !== 'object' || options === null) {
      this.#problems.push({ error: pipelineProblem('options', options, 'must be an object like { root, env, resources }'), site });
      options = {};
    }
    for (const error of unknownKeys('pipeline', options, PIPELINE_OPTION_NAMES, 'option', 'pipeline')) this.#problems.push({ error, site });
    if (options.env !== undefined) {
      const read = readEnv(options.env);
      if (read instanceof OptionProblem)
        this.#problems.push({ error: pipelineProblem(read.path ?? 'env', read.value ?? options.env, read.reason), site });
      else env = read;
    }
    if (options.resources !== undefined) {
      if (typeof options.resources !== 'object' || options.resources === null || Array.isArray(options.resources)) {
        this.#problems.push({
          error: pipelineProblem('resources', options.resources, "must be an object of counts, like { 'prod-db': 1 }"),
          site,
        });
      } else {
        for (const [name, count] of Object.entries(options.resources)) {
          if (badName('resource', [name]) !== undefined)
            this.#problems.push({ error: pipelineProblem('resources', name, `must be named with ${NAME_RULES.resource.says}`), site });
          else if (Number.isInteger(count) && count >= 1) resources[name] = count;
          else this.#problems.push({ error: pipelineProblem(`resources.${name}`, count, 'must be a whole number of at least 1'), site });
        }
      }
    }
    this.root = options.root;
    this.env = env;
    this.resources = resources;
    const names = (option: 'secrets' | 'secretNames', fallback: readonly string[]) => {
      const value = options[option];
      if (value === undefined) return fallback;
      if (Array.isArray(value) && value.every((name) => typeof name === 'string' && name !== '')) {
        // secretNames are globs over names ('*_TOKEN'); secrets are names.
        const bad = option === 'secrets' ? badName('environment variable', value) : badName('glob', value);
        if (bad === undefined) return [...value];
        this.#problems.push({
          error: pipelineProblem(option, bad, `must hold environment variable names: ${NAME_RULES['environment variable'].says}`),
          site,
        });
        return fallback;
      }
      this.#problems.push({ error: pipelineProblem(option, value, 'must be an array of environment variable names'), site });
      return fallback;
    };
    this.secrets = names('secrets', []);
    this.secretNames = names('secretNames', DEFAULT_SECRET_NAMES);
  }

  /** Declares a task. Returns a handle to use in other tasks' `deps`. */
  task<const Name extends string>(name: Name, options: TaskOptions = {}): TaskRef<Name> {
    const site = captureSite(this.task, this.#tasks.size);
    const invalid = nameProblem('task', name, false);
    if (invalid) this.#problems.push({ error: invalid, site });
    const { definition, errors } = declare(name, options, undefined, site);
    for (const error of errors) this.#problems.push({ error, site });
    if (this.#tasks.has(name)) {
      this.#problems.push({ error: new DuplicateTaskError(name), site });
    } else if (!invalid) {
      this.#tasks.set(name, definition);
      this.#entries.push(definition);
    }
    return new TaskRef(name);
  }

  /** Creates a service in this pipeline; declare its tasks with `.task()` on the result. */
  service<const Name extends string>(name: Name, options?: ServiceOptions): Service<Name> {
    const created = new Service(name, options);
    this.add(created);
    return created;
  }

  /** Adds services declared elsewhere (for example in the service's own file). */
  add(...services: Service[]): this {
    const site = captureSite(this.add);
    for (const added of services) {
      if (!isService(added)) {
        this.#problems.push({ error: pipelineProblem('add()', added, 'takes services created with service()'), site });
        continue;
      }
      const existing = this.#services.get(added.name);
      if (existing === added) continue;
      if (existing) {
        this.#problems.push({ error: new DuplicateTaskError(added.name, undefined, 'service'), site });
        continue;
      }
      this.#services.set(added.name, added);
      this.#entries.push(added);
    }
    return this;
  }

  /** The target(s) run when the command line names none. */
  default(...targets: (TaskRef | Service | string)[]): this {
    const site = captureSite(this.default);
    const errors = checkRefs('pipeline', 'default()', targets, 'pipeline');
    for (const error of errors) this.#problems.push({ error, site });
    if (errors.length === 0) this.#defaults = targets;
    return this;
  }

  /** @internal All declarations in declaration order; a service's tasks stand where it was added. */
  definitions(): TaskDefinition[] {
    const all: TaskDefinition[] = [];
    for (const entry of this.#entries) {
      if (isService(entry)) all.push(...(entry as Service).definitions);
      else all.push(entry as TaskDefinition);
    }
    return all;
  }

  /** @internal Every mistake made declaring the pipeline, its services and their tasks, in the order made. */
  problems(): Declared[] {
    const all = [...this.#problems];
    for (const service of this.#services.values()) all.push(...service.problems);
    return all;
  }

  /** @internal */
  get services(): ReadonlyMap<string, Service> {
    return this.#services;
  }

  /** @internal */
  get defaults(): readonly (TaskRef | Service | string)[] {
    return this.#defaults;
  }
}

/** Creates a pipeline. Export it as the deployfile's default export. */
export function pipeline(options?: PipelineOptions): Pipeline {
  return new Pipeline(options);
}

/** Creates a service outside any pipeline, e.g. in the service's own file; add it with `p.add()`. */
export function service<const Name extends string>(name: Name, options?: ServiceOptions): Service<Name> {
  return new Service(name, options);
}

export function isPipeline(value: unknown): value is Pipeline {
  return isPipelineBrand(value);
}

export { isService, isTaskRef };

/** Where a declaration mistake was made, for the message. */
export function locateDeclared(declared: Declared): ReturnType<typeof locate> {
  return locate(declared.site);
}

/** A word as /bin/sh reads it back: bare when it is safe, in single quotes otherwise. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A shell command with extra words appended, each quoted (as `npm run x -- args` does). */
export function withArgs(command: string, args: readonly string[]): string {
  return args.length === 0 ? command : `${command} ${args.map(shellQuote).join(' ')}`;
}

/** How a command is shown in `--dry-run`, `--list` and failure messages; `args` are the words from after `--`. */
export function describeCommand(run: Command | undefined, args: readonly string[] = []): string {
  if (run === undefined) return '(no command: a goal)';
  if (typeof run === 'string') return withArgs(run, args);
  if (typeof run === 'function')
    return `[function${run.name ? ` ${run.name}` : ''}]${args.length > 0 ? ` with args ${args.map(shellQuote).join(' ')}` : ''}`;
  return [...run, ...args].map(shellQuote).join(' ');
}
