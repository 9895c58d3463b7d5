/**
 * Turns declarations into resolved tasks: every dependency becomes a full task name,
 * service-level ordering (`after`) becomes task dependencies, directories become
 * absolute. Unknown names are problems here, each with a suggestion and the line that
 * declared the task; all of them are returned, not only the first.
 */
import path from 'node:path';
import { DuplicateTaskError, NoTargetError, type StagerunError, UnknownDependencyError, UnknownTargetError } from '../errors.js';
import { type CallSite, locate } from '../model/location.js';
import { type Command, type Dependency, isService, isTaskRef, type Pipeline, type Service, type TaskDefinition } from '../model/model.js';
import type { TaskSettings } from '../model/options.js';
import { entry } from '../util/maps.js';
import { closest } from '../util/suggest.js';
import { rememberDepIds } from './graph.js';

export interface ResolvedTask {
  readonly name: string;
  /** Position in declaration order, 0-based: breaks priority ties. */
  readonly index: number;
  readonly service: string | undefined;
  /** Full names of the tasks this one needs, without duplicates. */
  readonly deps: readonly string[];
  readonly run: Command | undefined;
  readonly description: string | undefined;
  /** Absolute directory to run in. */
  readonly cwd: string;
  /** The pipeline's, service's and task's variables merged (later wins; undefined removes). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every option of the task, checked (see options.ts). */
  readonly settings: TaskSettings;
  /** Its own tags and its service's. */
  readonly tags: readonly string[];
  /** @internal Where the task was declared. */
  readonly site: CallSite | undefined;
}

export interface ResolvedPipeline {
  readonly source: string | undefined;
  readonly root: string;
  /** In declaration order. */
  readonly tasks: readonly ResolvedTask[];
  readonly byName: ReadonlyMap<string, ResolvedTask>;
  /** Service name → names of its tasks. */
  readonly services: ReadonlyMap<string, readonly string[]>;
  readonly defaults: readonly string[];
  /** Counted resources and how many tasks may hold each at once. */
  readonly resources: Readonly<Record<string, number>>;
  /** Environment variables whose values are secret, and globs of names that look secret. */
  readonly secrets: readonly string[];
  readonly secretNames: readonly string[];
}

/** Resolves what can be resolved, and returns every problem found on the way (each pointing at its declaration). */
export function resolvePipeline(
  pipeline: Pipeline,
  root = pipeline.root ?? process.cwd(),
): { resolved: ResolvedPipeline; problems: StagerunError[] } {
  const source = pipeline.source;
  const problems: StagerunError[] = pipeline.problems().map(({ error, site }) => error.at(locate(site)));
  const { definitions, byDefinition, services } = collectDefinitions(pipeline, problems);

  const unknown = (task: TaskDefinition, dependency: string, local?: Service): void => {
    // Inside a service, a plain name means the service's own task first: so do suggestions.
    const own = local ? (services.get(local.name) ?? []) : [];
    const ownGuess =
      own.length > 0
        ? closest(
            dependency,
            own.map((name) => name.slice(local!.name.length + 1)),
          )
        : undefined;
    const suggestion =
      ownGuess !== undefined ? `${local!.name}:${ownGuess}` : closest(dependency, [...byDefinition.keys(), ...services.keys()]);
    problems.push(new UnknownDependencyError(task.name, dependency, suggestion, source).at(locate(task.site)));
  };

  // Each task's dependencies, as names and as ids (positions in `tasks`), each once: a task
  // stamps the ids it has added, so that no set is made per task.
  const idOf = new Map<string, number>();
  for (const [id, definition] of definitions.entries()) idOf.set(definition.name, id);
  const stamp = new Int32Array(definitions.length).fill(-1);
  class Deps {
    readonly names: string[] = [];
    readonly ids: number[] = [];
    constructor(readonly owner: number) {}
    add(name: string, id = idOf.get(name)!): void {
      if (stamp[id] === this.owner) return;
      stamp[id] = this.owner;
      this.names.push(name);
      this.ids.push(id);
    }
  }

  const expand = (task: TaskDefinition, dependency: Dependency, into: Deps): void => {
    if (isTaskRef(dependency)) {
      const id = idOf.get(dependency.name);
      if (id !== undefined) into.add(dependency.name, id);
      else unknown(task, dependency.name);
      return;
    }
    if (isService(dependency)) {
      const members = services.get(dependency.name);
      if (members) for (const member of members) into.add(member);
      else unknown(task, dependency.name);
      return;
    }
    const local = task.service ? `${task.service.name}:${dependency}` : undefined;
    const localId = local === undefined ? undefined : idOf.get(local);
    if (localId !== undefined) {
      into.add(local!, localId);
      return;
    }
    const id = idOf.get(dependency);
    if (id !== undefined) into.add(dependency, id);
    else if (services.has(dependency)) for (const member of services.get(dependency)!) into.add(member);
    else unknown(task, dependency, task.service);
  };

  const noEnv: Readonly<Record<string, string | undefined>> = Object.freeze({});
  const isEmpty = (env: object | undefined) => env === undefined || Object.keys(env).length === 0;
  // What a task inherits from its service (directory, whether any environment), worked out once per service.
  const inherited = new Map<Service | undefined, { base: string; noEnv: boolean }>();
  const inheritedBy = (owner: Service | undefined) =>
    entry(inherited, owner, () => ({
      base: owner ? path.resolve(root, owner.dir) : path.resolve(root),
      noEnv: isEmpty(pipeline.env) && isEmpty(owner?.env),
    }));
  const depIds: number[][] = new Array(definitions.length);
  const tasks: ResolvedTask[] = definitions.map((definition, index) => {
    const { settings } = definition;
    const deps = new Deps(index);
    for (const dependency of settings.deps) expand(definition, dependency, deps);
    depIds[index] = deps.ids;
    const owner = definition.service;
    if (owner) {
      const localName = definition.name.slice(owner.name.length + 1);
      for (const upstream of [...owner.upstream, ...settings.after]) {
        const upstreamName = isService(upstream) ? upstream.name : (upstream as string);
        if (!services.has(upstreamName)) {
          problems.push(
            new UnknownDependencyError(definition.name, upstreamName, closest(upstreamName, services.keys()), source).at(
              locate(definition.site),
            ),
          );
          continue;
        }
        const counterpart = `${upstreamName}:${localName}`;
        if (idOf.has(counterpart)) deps.add(counterpart);
      }
    }
    for (const resource of settings.uses) {
      if (pipeline.resources[resource] === undefined) problems.push(unknownResource(definition, resource, pipeline, source));
    }
    const { base, noEnv: inheritsNoEnv } = inheritedBy(owner);
    return {
      name: definition.name,
      index,
      service: owner?.name,
      deps: deps.names,
      run: settings.run,
      description: settings.description,
      cwd: settings.cwd === undefined ? base : path.resolve(base, settings.cwd),
      env: inheritsNoEnv && isEmpty(settings.env) ? noEnv : { ...pipeline.env, ...owner?.env, ...settings.env },
      settings,
      tags: owner && owner.tags.length > 0 ? [...new Set([...owner.tags, ...settings.tags])] : settings.tags,
      site: definition.site,
    };
  });

  const byName = new Map(tasks.map((task) => [task.name, task]));
  const resolved: ResolvedPipeline = {
    source,
    root,
    tasks,
    byName,
    services,
    defaults: pipeline.defaults.map((target) => (isTaskRef(target) || isService(target) ? target.name : target)),
    resources: pipeline.resources,
    secrets: pipeline.secrets,
    secretNames: pipeline.secretNames,
  };
  rememberDepIds(resolved, depIds);
  return { resolved, problems };
}

/** The task definitions, each name once, and each service's tasks by name; a name declared twice is a problem. */
function collectDefinitions(
  pipeline: Pipeline,
  problems: StagerunError[],
): { definitions: TaskDefinition[]; byDefinition: Map<string, TaskDefinition>; services: Map<string, string[]> } {
  const definitions: TaskDefinition[] = [];
  const byDefinition = new Map<string, TaskDefinition>();
  for (const definition of pipeline.definitions()) {
    // A top-level 'a:deploy' and service a's 'deploy' would share a name.
    if (byDefinition.has(definition.name)) {
      problems.push(new DuplicateTaskError(definition.name).at(locate(definition.site)));
      continue;
    }
    byDefinition.set(definition.name, definition);
    definitions.push(definition);
  }
  const services = new Map<string, string[]>();
  for (const name of pipeline.services.keys()) {
    // A top-level task named like a service would silently hide it as a target and a dependency.
    if (byDefinition.has(name))
      problems.push(new DuplicateTaskError(name, pipeline.source, 'task and service').at(locate(byDefinition.get(name)!.site)));
    services.set(name, []);
  }
  for (const definition of definitions) {
    if (definition.service) services.get(definition.service.name)?.push(definition.name);
  }
  return { definitions, byDefinition, services };
}

function unknownResource(task: TaskDefinition, resource: string, pipeline: Pipeline, source: string | undefined): StagerunError {
  const declared = Object.keys(pipeline.resources);
  const suggestion = closest(resource, declared);
  const error = new UnknownDependencyError(task.name, resource, suggestion, source, 'resource');
  error.hints.push(declared.length > 0 ? `resources: ${declared.join(', ')}` : "declare it: pipeline({ resources: { 'name': 1 } })");
  return error.at(locate(task.site));
}

/** Every name a user may pass as a target: tasks, services, and task names shared across services. */
export function targetNames(pipeline: ResolvedPipeline): string[] {
  const names = new Set<string>();
  for (const task of pipeline.tasks) names.add(task.name);
  for (const name of pipeline.services.keys()) names.add(name);
  for (const task of pipeline.tasks) if (task.service) names.add(task.name.slice(task.service.length + 1));
  return [...names];
}

/**
 * Target names → task names. A target is, in this order of preference: a task; a
 * service (all of its tasks); or a task name that services share (`deploy` selects
 * every `<service>:deploy`), as turbo does for packages.
 */
export function resolveTargets(pipeline: ResolvedPipeline, targets: readonly string[]): string[] {
  const wanted = targets.length > 0 ? targets : pipeline.defaults;
  if (wanted.length === 0) throw new NoTargetError(targetNames(pipeline), pipeline.source);
  const selected = new Set<string>();
  for (const target of wanted) {
    if (pipeline.byName.has(target)) {
      selected.add(target);
      continue;
    }
    const members = pipeline.services.get(target);
    if (members && members.length > 0) {
      for (const member of members) selected.add(member);
      continue;
    }
    const suffix = `:${target}`;
    const shared = pipeline.tasks.filter((task) => task.service && task.name.endsWith(suffix));
    if (shared.length > 0 && !target.includes(':')) {
      for (const task of shared) selected.add(task.name);
      continue;
    }
    const available = targetNames(pipeline);
    throw new UnknownTargetError(target, closest(target, available), available, pipeline.source);
  }
  return [...selected];
}
