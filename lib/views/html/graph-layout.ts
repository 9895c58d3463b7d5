/**
 * Where each task of a run goes in the picture of its pipeline: stages as columns, left to
 * right, and within a column the order dagre's crossing reduction picks. dagre is given the
 * columns (each node's rank is its stage, its own ranker off), since a report's stages are
 * the plan's, which neither a task's dependencies in the run (`--no-deps`, a merged CI run)
 * nor a goal's place need reproduce.
 */
import dagre, { type Edge, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { TaskReport } from '../../reports/run-report.js';

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 40;
const COLUMN_GAP = 56;
const ROW_GAP = 14;
const MARGIN = 12;
/** Above this many tasks, columns are filled in declaration order: dagre's ordering grows too slow (docs/performance.md). */
export const DAGRE_MAX_TASKS = 400;

export interface Point {
  x: number;
  y: number;
}

export interface GraphLayout {
  /** Centre of each task's box, by name. */
  nodes: Map<string, Point>;
  /** Each dependency, drawn from the dependency to the task that needs it. */
  edges: { from: string; to: string; points: Point[] }[];
  width: number;
  height: number;
  /** Which layout placed the boxes. */
  by: 'dagre' | 'columns';
}

export function layoutGraph(tasks: readonly TaskReport[]): GraphLayout {
  return tasks.length > DAGRE_MAX_TASKS ? columnLayout(tasks) : dagreLayout(tasks);
}

function dagreLayout(tasks: readonly TaskReport[]): GraphLayout {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, { points?: Point[] }>();
  graph.setGraph({ rankdir: 'LR', ranker: 'none', nodesep: ROW_GAP, ranksep: COLUMN_GAP, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  const byName = new Map(tasks.map((task) => [task.name, task]));
  // dagre spaces ranks half a column apart (it keeps room for edge labels): a stage is two ranks.
  for (const task of tasks) graph.setNode(task.name, { width: NODE_WIDTH, height: NODE_HEIGHT, rank: 2 * task.stage });
  // A dependency within one column (a goal beside what it gathers) gives dagre nothing to order by: drawn apart.
  const within: { from: string; to: string }[] = [];
  for (const task of tasks) {
    for (const dep of task.deps) {
      const from = byName.get(dep);
      if (!from) continue;
      if (from.stage < task.stage) graph.setEdge(dep, task.name);
      else within.push({ from: dep, to: task.name });
    }
  }
  dagre.layout(graph);
  const nodes = new Map<string, Point>();
  for (const task of tasks) {
    const { x = Number.NaN, y = 0 } = graph.node(task.name);
    // Should dagre ever not keep a given rank, the picture must still show stages as columns.
    if (!(Math.abs(x - columnX(task.stage)) < 0.5)) return columnLayout(tasks);
    nodes.set(task.name, { x, y });
  }
  const edges = [
    ...graph
      .edges()
      .map((edge: Edge) => ({ from: edge.v, to: edge.w, points: (graph.edge(edge).points ?? []).map(({ x, y }: Point) => ({ x, y })) })),
    ...within.map(({ from, to }) => ({ from, to, points: sideBySide(nodes.get(from)!, nodes.get(to)!) })),
  ];
  const { width = 0, height = 0 } = graph.graph();
  return { nodes, edges, width, height, by: 'dagre' };
}

const columnX = (stage: number) => MARGIN + stage * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH / 2;

/** From one box to another in the same column: bottom edge to top edge, or the other way. */
function sideBySide(from: Point, to: Point): Point[] {
  const down = to.y > from.y ? 1 : -1;
  return [
    { x: from.x, y: from.y + (down * NODE_HEIGHT) / 2 },
    { x: to.x, y: to.y - (down * NODE_HEIGHT) / 2 },
  ];
}

/** Boxes in stage columns, in declaration order, with straight edges: for pipelines too large to order. */
function columnLayout(tasks: readonly TaskReport[]): GraphLayout {
  const rows: number[] = [];
  const nodes = new Map<string, Point>();
  for (const task of tasks) {
    const row = rows[task.stage] ?? 0;
    rows[task.stage] = row + 1;
    nodes.set(task.name, {
      x: columnX(task.stage),
      y: MARGIN + row * (NODE_HEIGHT + ROW_GAP) + NODE_HEIGHT / 2,
    });
  }
  const edges = tasks.flatMap((task) =>
    task.deps
      .filter((dep) => nodes.has(dep))
      .map((dep) => {
        const from = nodes.get(dep)!;
        const to = nodes.get(task.name)!;
        return {
          from: dep,
          to: task.name,
          points: [
            { x: from.x + NODE_WIDTH / 2, y: from.y },
            { x: to.x - NODE_WIDTH / 2, y: to.y },
          ],
        };
      }),
  );
  const columns = rows.length;
  const height = Math.max(0, ...rows.map((count) => count ?? 0));
  return {
    nodes,
    edges,
    width: 2 * MARGIN + columns * NODE_WIDTH + Math.max(0, columns - 1) * COLUMN_GAP,
    height: 2 * MARGIN + height * NODE_HEIGHT + Math.max(0, height - 1) * ROW_GAP,
    by: 'columns',
  };
}
