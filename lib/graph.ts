/**
 * The dependency graph (graphology): edges run from a dependency to the task that
 * needs it. Checks for cycles, selects what targets need, and layers it into stages.
 */
import graphology from 'graphology';
import { hasCycle, topologicalGenerations } from 'graphology-dag';
import { CycleError } from './errors.js';
import { locate } from './location.js';
import type { ResolvedPipeline, ResolvedTask } from './resolve.js';

const { DirectedGraph } = graphology;
export type TaskGraph = InstanceType<typeof DirectedGraph>;

/** Builds the graph of the given tasks; dependencies outside the set are left out. */
export function buildGraph(tasks: Iterable<ResolvedTask>, include?: ReadonlySet<string>): TaskGraph {
  const graph = new DirectedGraph({ allowSelfLoops: true, multi: false });
  const list = [...tasks];
  for (const task of list) graph.addNode(task.name);
  for (const task of list) {
    for (const dep of task.deps) {
      if (!include || include.has(dep)) graph.addEdge(dep, task.name);
    }
  }
  return graph;
}

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

/** The graph's cycle as an error pointing at the first task on it, or undefined when it has none. */
export function cycleProblem(pipeline: ResolvedPipeline, graph: TaskGraph): CycleError | undefined {
  if (!hasCycle(graph)) return undefined;
  const cycle = findCycle(pipeline) ?? [];
  return new CycleError(cycle, pipeline.source).at(locate(pipeline.byName.get(cycle[0]!)?.site));
}

/** Topological generations: stage 0 needs nothing, stage k needs something from stage k-1. */
export function stagesOf(graph: TaskGraph): string[][] {
  return topologicalGenerations(graph);
}
