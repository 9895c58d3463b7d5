/**
 * The dependency graph: a graphology `DirectedGraph` with one node per task and an edge from
 * each dependency to the task that needs it. graphology-dag orders it: each task's
 * topological generation is its stage, and an order that cannot cover every task means a
 * cycle.
 *
 * Nodes are keyed by task id (the task's index, as graphology's string key) and carry the
 * task's name: graphology stores integer-like keys in arrays rather than dictionaries, and
 * building a 100,000-task graph took 0.6 s against 1.1 s with names as keys
 * (docs/performance.md). The graph is built once per pipeline (and once per plan that
 * selects a part of it) and compiled into id arrays, which the scheduler's loop reads.
 */
import { DirectedGraph } from 'graphology';
import { forEachNodeInTopologicalOrder } from 'graphology-dag';
import type { ResolvedPipeline } from './resolve.js';

/** What each node of a task graph carries. */
export interface TaskNode {
  /** The task's full name (`service:task`). */
  readonly name: string;
}

/**
 * A pipeline's or a plan's tasks as a graphology graph: node `String(id)` per task, with its
 * `name`; an edge `dependency → dependent` per dependency, keyed by a running number. Use graphology's own ecosystem
 * on it; treat it as read-only (the plan is compiled from it once).
 */
export type TaskGraph = DirectedGraph<TaskNode>;

/** A task graph and what was compiled from it, by id (a task's id is its index in the task list). */
export interface CompiledGraph {
  readonly graph: TaskGraph;
  readonly depIds: readonly (readonly number[])[];
  readonly dependentIds: readonly (readonly number[])[];
  /** Topological generations, each in the order graphology-dag visits them; empty when there is a cycle. */
  readonly stages: readonly (readonly number[])[];
  /** A cycle as a path of task names, each depending on the next, the first repeated at the end. */
  readonly cycle: readonly string[] | undefined;
}

/** The graph of tasks `0..n-1` named `names`, task `i` depending on `depIds[i]`. */
export function buildTaskGraph(names: readonly string[], depIds: readonly (readonly number[])[]): TaskGraph {
  const graph: TaskGraph = new DirectedGraph<TaskNode>({ allowSelfLoops: true });
  for (let id = 0; id < names.length; id++) graph.addNode(id, { name: names[id]! });
  // Edges keyed by a running number: graphology's own key generator cost 0.18 s at 300,000 edges.
  let edge = 0;
  for (let id = 0; id < names.length; id++) for (const dep of depIds[id]!) graph.addDirectedEdgeWithKey(edge++, dep, id);
  return graph;
}

/** Builds the graph and compiles it: dependents by id, and the stages (or the cycle that prevents them). */
export function compileGraph(names: readonly string[], depIds: readonly (readonly number[])[]): CompiledGraph {
  const graph = buildTaskGraph(names, depIds);
  const dependentIds: number[][] = new Array(names.length);
  for (let id = 0; id < names.length; id++) dependentIds[id] = [];
  for (let id = 0; id < names.length; id++) for (const dep of depIds[id]!) dependentIds[dep]!.push(id);
  const stages: number[][] = [];
  const placed = new Uint8Array(names.length);
  let count = 0;
  try {
    forEachNodeInTopologicalOrder(graph, (node, _attributes, generation) => {
      const id = Number(node);
      placed[id] = 1;
      count++;
      if (stages.length === generation) stages.push([]);
      stages[generation]!.push(id);
    });
  } catch (error) {
    // graphology-dag orders every task it can, then throws: the rest are on or behind a cycle.
    if (count === names.length) throw error;
  }
  if (count === names.length) return { graph, depIds, dependentIds, stages, cycle: undefined };
  return { graph, depIds, dependentIds, stages: [], cycle: cycleAmong(names, depIds, placed) };
}

/**
 * A cycle among the tasks graphology-dag could not order. Each of them has a dependency that
 * could not be ordered either, so following such dependencies from the first of them must
 * come back to a task already passed: the path from there is a cycle.
 */
function cycleAmong(names: readonly string[], depIds: readonly (readonly number[])[], placed: Uint8Array): string[] {
  const position = new Map<number, number>();
  const path: number[] = [];
  let id = placed.indexOf(0);
  while (!position.has(id)) {
    position.set(id, path.length);
    path.push(id);
    id = depIds[id]!.find((dep) => placed[dep] === 0)!;
  }
  return [...path.slice(position.get(id)!), id].map((each) => names[each]!);
}

const compiled = new WeakMap<ResolvedPipeline, CompiledGraph>();
const knownDepIds = new WeakMap<ResolvedPipeline, readonly (readonly number[])[]>();

/** Resolution finds each dependency's id on its way: kept, so that the graph need not look the names up again. */
export function rememberDepIds(pipeline: ResolvedPipeline, depIds: readonly (readonly number[])[]): void {
  knownDepIds.set(pipeline, depIds);
}

/** The whole pipeline's graph, built and compiled once per resolved pipeline (validation, selection and planning share it). */
export function pipelineGraph(pipeline: ResolvedPipeline): CompiledGraph {
  let graph = compiled.get(pipeline);
  if (graph) return graph;
  const names = pipeline.tasks.map((task) => task.name);
  graph = compileGraph(names, knownDepIds.get(pipeline) ?? depIdsByName(pipeline, names));
  compiled.set(pipeline, graph);
  return graph;
}

/** Dependency ids from names, for a resolved pipeline made some other way than by resolvePipeline. */
function depIdsByName(pipeline: ResolvedPipeline, names: readonly string[]): number[][] {
  const idOf = new Map<string, number>();
  for (const [id, name] of names.entries()) idOf.set(name, id);
  return pipeline.tasks.map((task) => task.deps.map((dep) => idOf.get(dep)!));
}
