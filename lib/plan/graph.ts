/**
 * The dependency graph's two questions, answered in O(tasks + edges): is there a cycle (and
 * which tasks are on it), and what are the stages (topological generations).
 *
 * Both were graphology and graphology-dag until the 100,000-task bar (docs/performance.md):
 * building graphology's graph of 100,000 tasks and 300,000 edges took 0.8 s (a string key
 * and an object per edge), its cycle check 0.2 s and its generations 0.3 s, against a budget
 * of twice `make -n`'s 0.5 s for the whole command. These work on the ids and dependency
 * lists the plan has already, and produce the same generations in the same order.
 */
import type { ResolvedPipeline } from './resolve.js';

/**
 * A cycle as a path of task names, each depending on the next, first repeated at the end;
 * undefined when there is none. Iterative depth-first search over `deps`, so that a
 * 100,000-task chain does not overflow the stack.
 */
export function findCycle(pipeline: ResolvedPipeline): string[] | undefined {
  const VISITING = 1;
  const DONE = 2;
  const state = new Map<string, number>();
  for (const root of pipeline.tasks) {
    if (state.has(root.name)) continue;
    const stack: { name: string; next: number }[] = [{ name: root.name, next: 0 }];
    state.set(root.name, VISITING);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = pipeline.byName.get(frame.name)!.deps;
      if (frame.next === deps.length) {
        state.set(frame.name, DONE);
        stack.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      const seen = state.get(dep);
      if (seen === VISITING) {
        const start = stack.findIndex((entry) => entry.name === dep);
        return [...stack.slice(start).map((entry) => entry.name), dep];
      }
      if (seen === undefined) {
        state.set(dep, VISITING);
        stack.push({ name: dep, next: 0 });
      }
    }
  }
  return undefined;
}

/**
 * Topological generations of tasks `0..n-1` (Kahn's algorithm): stage 0 is every task with
 * no dependency, in id order; stage k+1 the tasks whose last dependency was in stage k, in
 * the order they were freed (dependents are visited in id order). Tasks on or behind a
 * cycle are in no stage, so fewer than n ids come back.
 */
export function generations(depIds: readonly (readonly number[])[], dependentIds: readonly (readonly number[])[]): number[][] {
  const waiting = new Int32Array(depIds.length);
  let current: number[] = [];
  for (let id = 0; id < depIds.length; id++) {
    waiting[id] = depIds[id]!.length;
    if (waiting[id] === 0) current.push(id);
  }
  const stages: number[][] = [];
  while (current.length > 0) {
    stages.push(current);
    const next: number[] = [];
    for (const id of current) {
      for (const dependent of dependentIds[id]!) if (--waiting[dependent]! === 0) next.push(dependent);
    }
    current = next;
  }
  return stages;
}

/** The whole pipeline as ids (a task's id is its index in `pipeline.tasks`): its edges both ways, and its stages. */
export interface IdGraph {
  readonly depIds: readonly (readonly number[])[];
  readonly dependentIds: readonly (readonly number[])[];
  /** Topological generations; they cover every task unless there is a cycle. */
  readonly stages: readonly (readonly number[])[];
  readonly acyclic: boolean;
}

const idGraphs = new WeakMap<ResolvedPipeline, IdGraph>();
const knownDepIds = new WeakMap<ResolvedPipeline, readonly (readonly number[])[]>();

/** Resolution finds each dependency's id on its way: kept, so that the id graph need not look the names up again. */
export function rememberDepIds(pipeline: ResolvedPipeline, depIds: readonly (readonly number[])[]): void {
  knownDepIds.set(pipeline, depIds);
}

/** The pipeline's id graph, built once per resolved pipeline (validation, selection and planning share it). */
export function idGraphOf(pipeline: ResolvedPipeline): IdGraph {
  let graph = idGraphs.get(pipeline);
  if (graph) return graph;
  const tasks = pipeline.tasks;
  const depIds = knownDepIds.get(pipeline) ?? depIdsByName(pipeline);
  const dependentIds: number[][] = new Array(tasks.length);
  for (let id = 0; id < tasks.length; id++) dependentIds[id] = [];
  for (let id = 0; id < tasks.length; id++) for (const dep of depIds[id]!) dependentIds[dep]!.push(id);
  const stages = generations(depIds, dependentIds);
  let staged = 0;
  for (const stage of stages) staged += stage.length;
  graph = { depIds, dependentIds, stages, acyclic: staged === tasks.length };
  idGraphs.set(pipeline, graph);
  return graph;
}

/** Dependency ids from names, for a resolved pipeline made some other way than by resolvePipeline. */
function depIdsByName(pipeline: ResolvedPipeline): number[][] {
  const idOf = new Map<string, number>();
  for (const [id, task] of pipeline.tasks.entries()) idOf.set(task.name, id);
  return pipeline.tasks.map((task) => task.deps.map((dep) => idOf.get(dep)!));
}
