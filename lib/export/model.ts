/**
 * The pipeline as CI jobs, before any CI system's syntax: one job per task (or per
 * service), the jobs each needs (goals dropped, their edges re-linked), the command that
 * runs the job's task(s) with `--no-deps`, and what the engine's options become (a time
 * limit, an approval, counted resources, secrets, outputs to hand on). Each CI system's
 * exporter writes this model in its own YAML.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { shellQuote } from '../model/model.js';
import type { Plan, PlanTask } from '../plan/plan.js';
import { REPORT_PATTERN, SUMMARY_JOB } from './shared.js';

export type ExportGrouping = 'task' | 'service';

export interface ExportOptions {
  /** One job per task (default), or per service (a task outside any service is its own job). */
  group?: ExportGrouping;
  /** The deployfile, relative to the repository's root (jobs run from there). */
  deployfile: string;
  /** The repository's root, absolute: outputs are written relative to it. */
  root: string;
  /** The targets, as given (for the header and the merged report). */
  targets: readonly string[];
}

export interface ExportJob {
  /** Safe as a job id in every CI system: letters, digits, `_` and `-`; unique. */
  readonly id: string;
  /** What it runs, for people: the task's name, or the service's. */
  readonly name: string;
  readonly tasks: readonly PlanTask[];
  /** Ids of the jobs this one needs, in job order. */
  readonly needs: readonly string[];
  /** The command the job runs: stagerun on its task(s), without their dependencies. */
  readonly command: string;
  /** Where its run report goes, relative to the root. */
  readonly report: string;
  /** Topological generation of its first task, 0-based. */
  readonly stage: number;
  /** The longest the job may take, in minutes, when its tasks have time limits. */
  readonly timeoutMinutes: number | undefined;
  /** Its tasks' approval questions. */
  readonly approvals: readonly string[];
  /** Counted resources it holds, each with the slot (1..capacity) it was given. */
  readonly resources: readonly { readonly name: string; readonly capacity: number; readonly slot: number }[];
  /**
   * The one concurrency group (GitHub) or resource group (GitLab) the job is in: a CI system
   * gives a job one. Capacity-1 resources used together by any job are one group, so that
   * every job that uses any of them waits for every other (`db/staging`); otherwise a
   * resource's slot (`staging-1`). Undefined without resources.
   */
  readonly group: string | undefined;
  /** Environment variables named as secrets, for the CI system to pass in. */
  readonly secrets: readonly string[];
  /** Its tasks' `outputs`, relative to the root. */
  readonly outputs: readonly string[];
  /** The directory its outputs are saved from and restored to: their common base, relative to the root. */
  readonly outputBase: string | undefined;
  /** Jobs whose outputs it needs restored (those of every task it needs, directly or not), in job order. */
  readonly restores: readonly string[];
  /** Its tasks' retries (the most of any). */
  readonly retries: number;
  /**
   * `.stagerun/keys.json` beside the deployfile, relative to the root, when a task of the job
   * can be up to date (it declares inputs or a check): the engine's cache keeps it from one
   * pipeline to the next, as a hint (a check, where declared, decides).
   */
  readonly keys: string | undefined;
}

export interface ExportModel {
  readonly jobs: readonly ExportJob[];
  /** Capacity-1 resources merged into one group (each set of two or more), and resources a job's one group cannot express. */
  readonly groups: { readonly merged: readonly (readonly string[])[]; readonly unexpressed: readonly { job: string; resource: string }[] };
  readonly deployfile: string;
  readonly targets: readonly string[];
  /** Every secret any job names. */
  readonly secrets: readonly string[];
}

/**
 * Names a job cannot have: GitLab's top-level keywords (a job named `image` would be read as
 * the pipeline's image) and the summary job's. Kept out for every engine, so that a task's
 * job id is the same whichever CI system it is exported to.
 */
const RESERVED_IDS = new Set(
  [
    SUMMARY_JOB,
    'after_script',
    'before_script',
    'cache',
    'default',
    'image',
    'include',
    'pages',
    'services',
    'spec',
    'stages',
    'types',
    'variables',
    'workflow',
  ].map((id) => id.toLowerCase()),
);

/** A part of a name that is its own id: lowercase, starting with a letter or `_`, ending with neither `-` nor holding `--`. */
const PLAIN_PART = /^[a-z_](?:[a-z0-9_-]*[a-z0-9_])?$/;

/**
 * A task's (or service's) job id, from its own name alone, never from what else is declared
 * or in which order: an environment's reviewers, configured on the job of the gated task,
 * must stay on that job however the pipeline grows. The encoding is injective, and readable
 * where it can be: `deploy` → `deploy`, `service_a:deploy` → `service_a--deploy`. Any other
 * name (capitals, `.`, `@`, `+`, `/`, a reserved word) gets a readable form and a hash of the
 * exact name in capitals (`prod.deploy` → `prod-deploy-H1F2…`), which a plain id never holds.
 */
export function jobId(name: string): string {
  const parts = name.split(':');
  const plain = parts.length <= 2 && parts.every((part) => PLAIN_PART.test(part) && !part.includes('--'));
  const joined = parts.join('--');
  if (plain && !RESERVED_IDS.has(joined)) return joined;
  let base = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  if (!/^[a-z_]/.test(base)) base = `_${base}`;
  return `${base}-H${createHash('sha256').update(name).digest('hex').slice(0, 10).toUpperCase()}`;
}

/** Job ids of `names`: each from its name alone (see jobId). */
export function jobIds(names: readonly string[]): string[] {
  return names.map(jobId);
}

/** The directory a glob starts from (its part before the first wildcard). */
function staticBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts) {
    if (/[*?[\]{}!]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.length === parts.length ? path.posix.dirname(pattern) : fixed.join('/') || '.';
}

function commonBase(paths: readonly string[]): string {
  const split = paths.map((one) => one.split('/'));
  const common: string[] = [];
  for (let i = 0; split.every((parts) => parts[i] !== undefined && parts[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  return common.join('/') || '.';
}

export function exportModel(plan: Plan, options: ExportOptions): ExportModel {
  const grouping = options.group ?? 'task';
  // Jobs: command tasks only (goals need nothing run), grouped by service if asked.
  const groups = new Map<string, PlanTask[]>();
  const groupOf = new Map<number, string>();
  for (const task of plan.tasks) {
    if (task.run === undefined) continue;
    const key = grouping === 'service' && task.service ? task.service : task.name;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(task);
    groupOf.set(task.id, key);
  }
  const names = [...groups.keys()];
  const idList = jobIds(names);
  const ids = new Map(names.map((name, index) => [name, idList[index]!]));

  // What each task needs among command tasks, through any goals in between.
  const memo = new Map<number, Set<number>>();
  const commandDeps = (id: number): Set<number> => {
    const known = memo.get(id);
    if (known) return known;
    const result = new Set<number>();
    for (const dep of plan.tasks[id]!.depIds) {
      if (plan.tasks[dep]!.run !== undefined) result.add(dep);
      else for (const through of commandDeps(dep)) result.add(through);
    }
    memo.set(id, result);
    return result;
  };

  const ancestors = (id: number): Set<number> => {
    const seen = new Set<number>();
    const stack = [...commandDeps(id)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...commandDeps(next));
    }
    return seen;
  };

  // What each job needs, before resources: from its tasks' dependencies.
  const needsOf = new Map<string, Set<string>>();
  const restoresOf = new Map<string, Set<string>>();
  for (const name of names) {
    const needs = new Set<string>();
    const restores = new Set<string>();
    for (const task of groups.get(name)!) {
      for (const dep of commandDeps(task.id)) {
        const other = groupOf.get(dep)!;
        if (other !== name) needs.add(other);
      }
      // A job starts from a fresh checkout: it needs what every task before it made, not only the last.
      for (const ancestor of ancestors(task.id)) {
        const other = groupOf.get(ancestor)!;
        if (other !== name && plan.tasks[ancestor]!.settings.outputs.length > 0) restores.add(other);
      }
    }
    needsOf.set(name, needs);
    restoresOf.set(name, restores);
  }
  const ordered = topologicalOrder(names, needsOf, groups);
  const position = new Map(ordered.map((name, index) => [name, index]));
  const slots = resourceSlots(plan, ordered, groups);
  const sets = capacityOneSets(plan, [...slots.byJob.values()]);
  for (const [name, before] of slots.extraNeeds) for (const other of before) needsOf.get(name)!.add(other);
  const byOrder = (a: string, b: string) => position.get(a)! - position.get(b)!;
  const relative = (task: PlanTask, pattern: string) =>
    path.posix.normalize(path.relative(options.root, path.join(task.cwd, pattern)).split(path.sep).join('/'));

  const keysPath = path.posix.join(path.posix.dirname(options.deployfile.split(path.sep).join('/')), '.stagerun/keys.json');
  const jobs: ExportJob[] = ordered.map((name) => {
    const tasks = groups.get(name)!;
    const id = ids.get(name)!;
    const outputs = tasks.flatMap((task) => task.settings.outputs.map((pattern) => relative(task, pattern)));
    const gated = tasks.filter((task) => task.settings.approval !== undefined);
    const target = grouping === 'service' && tasks[0]!.service === name ? name : tasks[0]!.name;
    // In the checkout's root, which exists in every job; named by job, so that reports never collide when gathered.
    const report = REPORT_PATTERN.replace('*', id);
    const words = [
      'npx',
      'stagerun',
      '-f',
      options.deployfile,
      target,
      '--no-deps',
      ...gated.flatMap((task) => ['--approve', task.name]),
      '--report',
      report,
    ];
    return {
      id,
      name,
      tasks,
      needs: [...needsOf.get(name)!].sort(byOrder).map((other) => ids.get(other)!),
      command: words.map(shellQuote).join(' '),
      report,
      stage: Math.min(...tasks.map((task) => task.stage)),
      timeoutMinutes: timeoutMinutes(tasks),
      approvals: gated.map((task) => task.settings.approval!),
      resources: slots.byJob.get(name) ?? [],
      group: jobGroup(slots.byJob.get(name) ?? [], sets),
      secrets: [...new Set([...plan.pipeline.secrets, ...tasks.flatMap((task) => task.settings.secrets)])].sort(),
      outputs,
      outputBase: outputs.length > 0 ? commonBase(outputs.map(staticBase)) : undefined,
      restores: [...restoresOf.get(name)!].sort(byOrder).map((other) => ids.get(other)!),
      retries: Math.max(0, ...tasks.map((task) => task.settings.retries)),
      keys: tasks.some((task) => task.settings.inputs.length > 0 || task.settings.check !== undefined) ? keysPath : undefined,
    };
  });
  const unexpressed = jobs.flatMap((job) =>
    job.resources
      .filter((resource) => job.group !== undefined && !groupHolds(job.group, resource))
      .map((resource) => ({ job: job.id, resource: resource.name })),
  );
  return {
    jobs,
    groups: { merged: [...new Set(sets.values())].filter((set) => set.length > 1), unexpressed },
    deployfile: options.deployfile,
    targets: options.targets,
    secrets: [...new Set(jobs.flatMap((job) => job.secrets))].sort(),
  };
}

/** Setting up a job (checkout, Node, npm ci) and saving what it made: minutes on top of its tasks' limits. */
const SETUP_MINUTES = 10;

function timeoutMinutes(tasks: readonly PlanTask[]): number | undefined {
  if (tasks.some((task) => task.settings.timeout === undefined)) return undefined;
  let ms = 0;
  for (const task of tasks) {
    const { timeout, retries, retryDelay, retryBackoff } = task.settings;
    ms += timeout! * (retries + 1);
    for (let retry = 1; retry <= retries; retry++) ms += retryDelay * retryBackoff ** (retry - 1);
  }
  return Math.ceil(ms / 60_000) + SETUP_MINUTES;
}

/** Capacity-1 resources, each with the set it is merged into: those any one job uses together, transitively. */
function capacityOneSets(plan: Plan, used: readonly (readonly { name: string; capacity: number }[])[]): Map<string, readonly string[]> {
  const parent = new Map<string, string>();
  const find = (name: string): string => {
    const up = parent.get(name) ?? name;
    if (up === name) return name;
    const root = find(up);
    parent.set(name, root);
    return root;
  };
  for (const [name, capacity] of Object.entries(plan.pipeline.resources)) if (capacity === 1) parent.set(name, name);
  for (const resources of used) {
    const ones = resources.filter((resource) => resource.capacity === 1).map((resource) => resource.name);
    for (const other of ones.slice(1)) parent.set(find(other), find(ones[0]!));
  }
  const members = new Map<string, string[]>();
  for (const name of parent.keys()) {
    const root = find(name);
    if (!members.has(root)) members.set(root, []);
    members.get(root)!.push(name);
  }
  const sets = new Map<string, readonly string[]>();
  for (const names of members.values()) for (const name of names) sets.set(name, [...names].sort());
  return sets;
}

/** A job's one group: its capacity-1 resources' set (`a/b`: resource names hold no `/`), else its first resource's slot. */
function jobGroup(
  resources: readonly { name: string; capacity: number; slot: number }[],
  sets: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const one = resources.find((resource) => resource.capacity === 1);
  if (one) return sets.get(one.name)!.join('/');
  const first = resources[0];
  return first ? `${first.name}-${first.slot}` : undefined;
}

function groupHolds(group: string, resource: { name: string; capacity: number; slot: number }): boolean {
  return resource.capacity === 1 ? group.split('/').includes(resource.name) : group === `${resource.name}-${resource.slot}`;
}

/**
 * Counted resources across jobs. A CI system can only run one job at a time in a group, so
 * a resource of capacity N becomes N groups, the jobs that use it dealt out among them in
 * order; within one workflow run, the jobs of a group are also chained (each needs the one
 * before), so that they wait for each other instead of queueing, which some CI systems
 * cancel. Jobs are in topological order, so the chain never makes a cycle.
 */
function resourceSlots(plan: Plan, ordered: readonly string[], groups: ReadonlyMap<string, PlanTask[]>) {
  const byJob = new Map<string, { name: string; capacity: number; slot: number }[]>();
  const extraNeeds = new Map<string, string[]>();
  for (const [resource, capacity] of Object.entries(plan.pipeline.resources)) {
    const users = ordered.filter((name) => groups.get(name)!.some((task) => task.settings.uses.includes(resource)));
    const lastInSlot = new Map<number, string>();
    users.forEach((name, index) => {
      const slot = (index % capacity) + 1;
      if (!byJob.has(name)) byJob.set(name, []);
      byJob.get(name)!.push({ name: resource, capacity, slot });
      const before = lastInSlot.get(slot);
      if (before) {
        if (!extraNeeds.has(name)) extraNeeds.set(name, []);
        extraNeeds.get(name)!.push(before);
      }
      lastInSlot.set(slot, name);
    });
  }
  return { byJob, extraNeeds };
}

/**
 * Jobs in an order where each comes after what it needs (earliest stage first, then as
 * declared). Grouping by service can make two jobs need each other (a:build → b:build →
 * a:deploy): that cannot be a CI pipeline, and is said so.
 */
function topologicalOrder(
  names: readonly string[],
  needs: ReadonlyMap<string, ReadonlySet<string>>,
  groups: ReadonlyMap<string, readonly PlanTask[]>,
): string[] {
  const rank = (name: string) => Math.min(...groups.get(name)!.map((task) => task.stage)) * names.length + names.indexOf(name);
  const waiting = new Map(names.map((name) => [name, needs.get(name)!.size]));
  const dependents = new Map<string, string[]>(names.map((name) => [name, []]));
  for (const name of names) for (const other of needs.get(name)!) dependents.get(other)!.push(name);
  const ready = names.filter((name) => waiting.get(name) === 0);
  const ordered: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank(a) - rank(b));
    const next = ready.shift()!;
    ordered.push(next);
    for (const dependent of dependents.get(next)!) {
      waiting.set(dependent, waiting.get(dependent)! - 1);
      if (waiting.get(dependent) === 0) ready.push(dependent);
    }
  }
  if (ordered.length < names.length) {
    const stuck = names.filter((name) => !ordered.includes(name));
    throw new UsageError(
      `cannot give each service one job: ${stuck.join(', ')} depend on each other through their tasks; export one job per task (without --group service)`,
    );
  }
  return ordered;
}
