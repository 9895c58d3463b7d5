/**
 * The deployfile API: `pipeline()`, `service()`, and the handles they return.
 * Declaring records definitions only; names are resolved and checked later
 * (`resolve.ts`), so tasks may be declared in any order and in any file.
 */
import { DuplicateTaskError, InvalidTaskError } from './errors.js';
import { closest } from './suggest.js';

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
  /** Aborted when the run is interrupted (Ctrl-C) or stopped; stop your work when it fires. */
  readonly signal: Signal;
  /** Writes a line of output under the task's name. */
  log(...parts: unknown[]): void;
  /** Words given after `--` on the command line, when this task is one the targets name; otherwise empty. */
  readonly args: readonly string[];
}

export type TaskFunction = (context: TaskContext) => unknown;

/**
 * A shell command (`'make -C a deploy'`, run by /bin/sh), an argv array run without a
 * shell (`['make', '-C', 'a', 'deploy']`), or an async function run in-process.
 */
export type Command = string | readonly [string, ...string[]] | TaskFunction;

const REF = Symbol.for('stagerun.ref');
const PIPELINE = Symbol.for('stagerun.pipeline');

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

export interface TaskOptions {
  /** What to run. A task without `run` is a goal: it only groups its dependencies. */
  run?: Command;
  /** Tasks (or services, meaning all of their tasks) that must succeed before this one starts. */
  deps?: readonly Dependency[];
  /** Runs after the task of the same name in each of these services (service tasks only). */
  after?: readonly (Service | string)[];
  /** Shown by `--list` and `--dry-run`. */
  description?: string;
  /** Directory to run in, relative to the service's directory (or the deployfile's). */
  cwd?: string;
  /** Environment variables added to the run's; `undefined` removes one. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ServiceOptions {
  /** The service's directory, relative to the deployfile. Default: the service's name. */
  dir?: string;
  /** Every task of this service runs after the task of the same name in these services. */
  after?: readonly (Service | string)[];
  /** Environment variables for every task of the service. */
  env?: Readonly<Record<string, string | undefined>>;
  description?: string;
}

/** A task as declared, before names are resolved. */
export interface TaskDefinition {
  readonly name: string;
  readonly service: Service | undefined;
  readonly run: Command | undefined;
  readonly deps: readonly Dependency[];
  readonly after: readonly (Service | string)[];
  readonly description: string | undefined;
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const TASK_OPTION_NAMES = ['run', 'deps', 'after', 'description', 'cwd', 'env'] as const;
const SERVICE_OPTION_NAMES = ['dir', 'after', 'env', 'description'] as const;
const NAME_PATTERN = /^[A-Za-z0-9_.@/+-][A-Za-z0-9_.@/+:-]*$/;

function checkName(kind: string, name: unknown, local: boolean): asserts name is string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name) || (local && name.includes(':'))) {
    throw new InvalidTaskError(
      typeof name === 'string' ? name : String(name),
      `${kind} name`,
      name,
      local
        ? "must be letters, digits and _ . @ / + - (no ':' in a service's task names; stagerun adds the service prefix)"
        : "must be letters, digits and _ . @ / + - :, and must not start with ':'",
    );
  }
}

function checkKnownKeys(task: string, options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const hint = closest(key, known);
      throw new InvalidTaskError(
        task,
        `${what} '${key}'`,
        (options as Record<string, unknown>)[key],
        `is not an option${hint ? ` (did you mean '${hint}'?)` : ''}; options are ${known.join(', ')}`,
      );
    }
  }
}

function checkEnv(task: string, env: unknown): void {
  if (env === undefined) return;
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw new InvalidTaskError(task, 'env', env, 'must be an object of strings');
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidTaskError(task, `env.${key}`, value, 'must be a string (or undefined to remove it)');
    }
  }
}

function checkRefs(task: string, option: string, refs: unknown): void {
  if (refs === undefined) return;
  if (!Array.isArray(refs)) {
    throw new InvalidTaskError(task, option, refs, 'must be an array of task handles or names');
  }
  for (const ref of refs) {
    if (typeof ref !== 'string' && !isTaskRef(ref) && !isService(ref)) {
      throw new InvalidTaskError(task, option, ref, 'must hold task handles, service handles or names');
    }
  }
}

function checkTaskOptions(name: string, options: TaskOptions, inService: boolean): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidTaskError(name, 'options', options, 'must be an object like { run, deps }');
  }
  checkKnownKeys(name, options, TASK_OPTION_NAMES, 'option');
  const { run } = options;
  if (run !== undefined && typeof run !== 'function') {
    if (typeof run === 'string') {
      if (run.trim() === '') throw new InvalidTaskError(name, 'run', run, 'is an empty command');
    } else if (!Array.isArray(run) || run.length === 0 || !run.every((part: unknown) => typeof part === 'string') || run[0] === '') {
      throw new InvalidTaskError(name, 'run', run, 'must be a shell command string, a non-empty argv array of strings, or a function');
    }
  }
  checkRefs(name, 'deps', options.deps);
  checkRefs(name, 'after', options.after);
  if (options.after !== undefined && !inService) {
    throw new InvalidTaskError(name, 'after', options.after, "is for a service's tasks; use deps here");
  }
  for (const key of ['description', 'cwd'] as const) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidTaskError(name, key, value, 'must be a string');
    }
  }
  checkEnv(name, options.env);
}

function define(name: string, options: TaskOptions, service: Service | undefined): TaskDefinition {
  return {
    name,
    service,
    run: options.run,
    deps: options.deps ? [...options.deps] : [],
    after: options.after ? [...options.after] : [],
    description: options.description,
    cwd: options.cwd,
    env: options.env ? { ...options.env } : {},
  };
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
  readonly dir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly description: string | undefined;

  constructor(
    readonly name: Name,
    options: ServiceOptions = {},
  ) {
    checkName('service', name, true);
    if (typeof options !== 'object' || options === null) {
      throw new InvalidTaskError(name, 'service options', options, 'must be an object like { dir, after }');
    }
    checkKnownKeys(name, options, SERVICE_OPTION_NAMES, 'service option');
    if (options.dir !== undefined && typeof options.dir !== 'string') {
      throw new InvalidTaskError(name, 'dir', options.dir, 'must be a string');
    }
    checkRefs(name, 'after', options.after);
    checkEnv(name, options.env);
    this.dir = options.dir ?? name;
    this.env = options.env ? { ...options.env } : {};
    this.description = options.description;
    if (options.after) this.#after.push(...options.after);
  }

  /** Declares `<service>:<name>`. Plain names in `deps` refer to this service's tasks first. */
  task<const Local extends string>(name: Local, options: TaskOptions = {}): TaskRef<`${Name}:${Local}`> {
    checkName('task', name, true);
    const full = `${this.name}:${name}` as `${Name}:${Local}`;
    checkTaskOptions(full, options, true);
    if (this.#tasks.has(full)) throw new DuplicateTaskError(full);
    this.#tasks.set(full, define(full, options, this));
    return new TaskRef(full);
  }

  /** Every task of this service runs after the task of the same name in each of `services`. */
  after(...services: (Service | string)[]): this {
    checkRefs(this.name, 'after', services);
    this.#after.push(...services);
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

  toString(): string {
    return this.name;
  }
}

export interface PipelineOptions {
  /** Directory that relative `cwd`s and service `dir`s start from. Default: the deployfile's directory (or the current one). */
  root?: string;
  /** Environment variables for every task. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A set of tasks and services; the deployfile's default export. */
export class Pipeline {
  readonly [PIPELINE] = true;
  readonly #tasks = new Map<string, TaskDefinition>();
  readonly #services = new Map<string, Service>();
  /** Tasks and services in the order they were added: the declaration order that breaks ties. */
  readonly #entries: (TaskDefinition | Service)[] = [];
  #defaults: (TaskRef | Service | string)[] = [];
  /** Set by the loader: the file this pipeline came from, for error messages. */
  source: string | undefined;
  root: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;

  constructor(options: PipelineOptions = {}) {
    this.root = options.root;
    checkEnv('pipeline', options.env);
    this.env = options.env ? { ...options.env } : {};
  }

  /** Declares a task. Returns a handle to use in other tasks' `deps`. */
  task<const Name extends string>(name: Name, options: TaskOptions = {}): TaskRef<Name> {
    checkName('task', name, false);
    checkTaskOptions(name, options, false);
    if (this.#tasks.has(name)) throw new DuplicateTaskError(name, this.source);
    const definition = define(name, options, undefined);
    this.#tasks.set(name, definition);
    this.#entries.push(definition);
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
    for (const added of services) {
      if (!isService(added)) {
        throw new InvalidTaskError(String(added), 'add()', added, 'takes services created with service()');
      }
      const existing = this.#services.get(added.name);
      if (existing === added) continue;
      if (existing) throw new DuplicateTaskError(added.name, this.source, 'service');
      this.#services.set(added.name, added);
      this.#entries.push(added);
    }
    return this;
  }

  /** The target(s) run when the command line names none. */
  default(...targets: (TaskRef | Service | string)[]): this {
    checkRefs('pipeline', 'default()', targets);
    this.#defaults = targets;
    return this;
  }

  /** @internal All declarations in declaration order; a service's tasks stand where it was added. */
  definitions(): TaskDefinition[] {
    const all: TaskDefinition[] = [];
    for (const entry of this.#entries) {
      if (isService(entry)) all.push(...entry.definitions);
      else all.push(entry);
    }
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

// Brand checks rather than instanceof: a deployfile may import a second copy of the package.
export function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PIPELINE] === true;
}

export function isTaskRef(value: unknown): value is TaskRef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REF] === 'task';
}

export function isService(value: unknown): value is Service {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REF] === 'service';
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
