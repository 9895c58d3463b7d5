/**
 * A plan: the tasks a run needs, in stages, with integer ids for the scheduler.
 * Pure: the same plan drives real runs, simulations and `--dry-run`.
 */

import { CycleError, throwProblems, UsageError } from '../errors.js';
import { locate } from '../model/location.js';
import { isPipeline, type Pipeline } from '../model/model.js';
import { type CompiledGraph, compileGraph, pipelineGraph, type TaskGraph } from './graph.js';
import { type ResolvedPipeline, type ResolvedTask, resolvePipeline, resolveTargets } from './resolve.js';
import { type Selection, selectTasks } from './select.js';

export interface PlanTask extends ResolvedTask {
  /** Index into `plan.tasks` (declaration order among the selected tasks). */
  readonly id: number;
  /** Topological generation, 0-based. */
  readonly stage: number;
  readonly depIds: readonly number[];
  readonly dependentIds: readonly number[];
  /** Words from after `--` on the command line: given to the target tasks, empty for the rest. */
  readonly args: readonly string[];
}

export interface PlanOptions extends Selection {
  /** Extra arguments for the tasks the targets name (not their dependencies): appended to their commands. */
  args?: readonly string[];
}

export interface Plan {
  readonly pipeline: ResolvedPipeline;
  /** The targets as asked for (or the pipeline's defaults, or `--only SEL` when only a selection was given). */
  readonly requested: readonly string[];
  /** The task names the targets resolved to. */
  readonly targets: readonly string[];
  /** Selected tasks in declaration order; `tasks[i].id === i`. */
  readonly tasks: readonly PlanTask[];
  /**
   * The barrier stages a staged Makefile would have: a task with a command comes one stage
   * after the last of what it needs; a goal (no command) takes no stage of its own, and is in
   * the stage of the last of what it groups.
   */
  readonly stages: readonly (readonly PlanTask[])[];
  /** Every task, each after all it needs (graphology-dag's topological order). */
  readonly order: readonly PlanTask[];
  readonly byName: ReadonlyMap<string, PlanTask>;
  /** The plan's tasks as a graphology graph: node `String(task.id)` with the task's `name`, an edge from each dependency to its dependent. */
  readonly graph: TaskGraph;
  /** Tasks the targets need that `skip` took out. */
  readonly skipped: readonly string[];
  /** How the tasks were chosen beyond the targets. */
  readonly selection: { readonly only: readonly string[]; readonly skip: readonly string[]; readonly noDeps: boolean };
}

/** The cycle through `pipeline`'s dependencies as an error pointing at its first task, or undefined. */
function cycleProblem(pipeline: ResolvedPipeline): CycleError | undefined {
  const { cycle } = pipelineGraph(pipeline);
  return cycle && new CycleError([...cycle], pipeline.source).at(locate(pipeline.byName.get(cycle[0]!)?.site));
}

/**
 * Resolves names and rejects cycles anywhere in the pipeline, selected or not. Every
 * mistake in the deployfile is reported at once: one error, or DeployfileErrors with all.
 */
export function validatePipeline(pipeline: Pipeline, root?: string): ResolvedPipeline {
  const { resolved, problems } = resolvePipeline(pipeline, root);
  const cycle = cycleProblem(resolved);
  if (cycle) problems.push(cycle);
  throwProblems(problems, resolved.source);
  return resolved;
}

/** A plan from a pipeline (validated and planned for `targets`) or one already made. */
export function toPlan(source: Pipeline | Plan, targets: readonly string[] = [], root?: string, options: PlanOptions = {}): Plan {
  return isPipeline(source) ? createPlan(validatePipeline(source, root), targets, options) : source;
}

export function createPlan(pipeline: ResolvedPipeline, targets: readonly string[] = [], options: PlanOptions = {}): Plan {
  // --only with neither a target nor a default chooses from the whole pipeline (as turbo's --filter does).
  const fromAll = targets.length === 0 && pipeline.defaults.length === 0 && (options.only?.length ?? 0) > 0;
  const targetTasks = fromAll ? pipeline.tasks.map((task) => task.name) : resolveTargets(pipeline, targets);
  const args = options.args ?? [];
  const receivers = new Set(args.length > 0 ? targetTasks.filter((name) => pipeline.byName.get(name)!.run !== undefined) : []);
  if (args.length > 0 && receivers.size === 0) {
    const error = new UsageError(
      `the words after '--' (${args.join(' ')}) have no task to go to: ${targetTasks.join(', ')} ${targetTasks.length === 1 ? 'is a goal' : 'are goals'} without a command`,
    );
    const example =
      targetTasks.flatMap((name) => pipeline.byName.get(name)!.deps).find((dep) => pipeline.byName.get(dep)?.run !== undefined) ??
      pipeline.tasks.find((task) => task.run !== undefined)?.name ??
      'service_a:deploy';
    error.hints.push(`name the task that should receive them, e.g. stagerun ${example} -- ${args.join(' ')}`);
    throw error;
  }
  const none: readonly string[] = [];
  const { selected, skipped } = selectTasks(pipeline, targetTasks, options);
  const whole = pipelineGraph(pipeline);
  if (whole.cycle) throw cycleProblem(pipeline)!;
  let chosen: readonly ResolvedTask[];
  let depsOf: readonly (readonly string[])[];
  let graph: CompiledGraph;
  if (selected.size === pipeline.tasks.length) {
    // Everything (the usual case, and the large one): the pipeline's own graph serves as it is.
    chosen = pipeline.tasks;
    depsOf = chosen.map((task) => task.deps);
    graph = whole;
  } else {
    chosen = pipeline.tasks.filter((task) => selected.has(task.name));
    // With --no-deps or --skip, dependencies outside the selection are trusted to have run.
    const within = (deps: readonly string[]) => (deps.every((dep) => selected.has(dep)) ? deps : deps.filter((dep) => selected.has(dep)));
    const idOf = new Map(chosen.map((task, id) => [task.name, id]));
    depsOf = chosen.map((task) => within(task.deps));
    graph = compileGraph(
      chosen.map((task) => task.name),
      depsOf.map((deps) => deps.map((dep) => idOf.get(dep)!)),
    );
  }
  const { depIds: depIdsOf, dependentIds: dependents, stages: generations } = graph;
  const order = generations.flat();
  const stageOf = stagesOf(chosen, depIdsOf, order);
  const tasks: PlanTask[] = chosen.map((task, id) => {
    // Spelled out rather than spread: one object shape for all tasks is faster at 100,000.
    return {
      name: task.name,
      index: task.index,
      service: task.service,
      deps: depsOf[id]!,
      run: task.run,
      description: task.description,
      cwd: task.cwd,
      env: task.env,
      settings: task.settings,
      tags: task.tags,
      site: task.site,
      id,
      stage: stageOf[id]!,
      depIds: depIdsOf[id]!,
      dependentIds: dependents[id]!,
      args: receivers.has(task.name) ? args : none,
    };
  });
  const byName = new Map(tasks.map((task) => [task.name, task]));
  const stages: PlanTask[][] = [];
  for (const id of order) {
    const stage = stageOf[id]!;
    while (stages.length <= stage) stages.push([]);
    stages[stage]!.push(tasks[id]!);
  }
  const requested = fromAll ? [`--only ${options.only!.join(',')}`] : targets.length > 0 ? [...targets] : [...pipeline.defaults];
  return {
    pipeline,
    requested,
    targets: targetTasks,
    tasks,
    stages,
    order: order.map((id) => tasks[id]!),
    byName,
    graph: graph.graph,
    skipped,
    selection: { only: options.only ?? [], skip: options.skip ?? [], noDeps: options.noDeps ?? false },
  };
}

/** Each task's stage (see Plan.stages), visiting `order` (each task after what it needs). */
function stagesOf(tasks: readonly ResolvedTask[], depIds: readonly (readonly number[])[], order: readonly number[]): Int32Array {
  const stageOf = new Int32Array(tasks.length);
  for (const id of order) {
    let last = -1;
    for (const dep of depIds[id]!) last = Math.max(last, stageOf[dep]!);
    stageOf[id] = tasks[id]!.run === undefined ? Math.max(0, last) : last + 1;
  }
  return stageOf;
}

/** For each task, the longest weighted path from its start to the end of the graph (itself included). */
export function remainingPath(plan: Plan, weights: Float64Array): Float64Array {
  const remaining = new Float64Array(plan.tasks.length);
  for (let index = plan.order.length - 1; index >= 0; index--) {
    const task = plan.order[index]!;
    let longest = 0;
    for (const dependent of task.dependentIds) longest = Math.max(longest, remaining[dependent]!);
    remaining[task.id] = weights[task.id]! + longest;
  }
  return remaining;
}

export interface Bounds {
  /** Longest weighted chain. */
  criticalPathMs: number;
  /** Sum of all weights. */
  totalWorkMs: number;
  /** No schedule with `jobs` slots can finish sooner: max(critical path, work / jobs). */
  lowerBoundMs: number;
}

export function bounds(plan: Plan, weights: Float64Array, jobs: number): Bounds {
  const remaining = remainingPath(plan, weights);
  let criticalPathMs = 0;
  let totalWorkMs = 0;
  for (let id = 0; id < plan.tasks.length; id++) {
    criticalPathMs = Math.max(criticalPathMs, remaining[id]!);
    totalWorkMs += weights[id]!;
  }
  return { criticalPathMs, totalWorkMs, lowerBoundMs: Math.max(criticalPathMs, totalWorkMs / jobs) };
}

/** Whether `task` needs `dependency`, directly or through other tasks of the plan. */
export function needs(plan: Plan, task: string, dependency: string): boolean {
  const from = plan.byName.get(task);
  const target = plan.byName.get(dependency);
  if (!from || !target) return false;
  const seen = new Uint8Array(plan.tasks.length);
  const stack = [...from.depIds];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target.id) return true;
    if (seen[id]) continue;
    seen[id] = 1;
    stack.push(...plan.tasks[id]!.depIds);
  }
  return false;
}
