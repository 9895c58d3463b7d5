/** The pipeline as a picture: stages as columns, each task a box in its status's colour, dependencies as arrows, the critical path drawn bold. */
import type { RunReport, TaskReport } from '../../reports/run-report.js';
import { formatDuration, shortName, stageLabel } from '../../util/format.js';
import { escapeHtml, px } from './escape.js';
import { type GraphLayout, layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './graph-layout.js';
import { fillOf, inkOf, labelOf, shownStatus } from './statuses.js';

/** Up to this many stages, the picture is scaled to the page's width; wider ones scroll. */
const FIT_STAGES = 10;
/** Room above the boxes for the stage labels. */
const HEAD = 22;

/** The dependencies the critical path runs along: each task on it and the one before it, where it needs that one. */
export function criticalEdges(run: Pick<RunReport, 'criticalPath' | 'tasks'>): Set<string> {
  const byName = new Map(run.tasks.map((task) => [task.name, task]));
  const edges = new Set<string>();
  run.criticalPath.forEach((name, index) => {
    const previous = run.criticalPath[index - 1];
    if (previous !== undefined && byName.get(name)?.deps.includes(previous)) edges.add(`${previous}\n${name}`);
  });
  return edges;
}

export function graphSvg(run: RunReport, layout: GraphLayout = layoutGraph(run.tasks)): string {
  const onPath = new Set(run.criticalPath);
  const pathEdges = criticalEdges(run);
  const columns = new Map<number, number>();
  for (const task of run.tasks) {
    const x = layout.nodes.get(task.name)!.x;
    columns.set(task.stage, Math.min(columns.get(task.stage) ?? x, x));
  }
  const labels = [...columns].map(
    ([stage, x]) => `<text class="stage" x="${px(x)}" y="14" text-anchor="middle">stage ${escapeHtml(stageLabel(stage))}</text>`,
  );
  const edges = layout.edges.map(({ from, to, points }) => {
    const critical = pathEdges.has(`${from}\n${to}`);
    const d = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${px(point.x)} ${px(point.y + HEAD)}`).join('');
    return `<path class="edge${critical ? ' critical' : ''}" d="${d}" marker-end="url(#${critical ? 'arrow-critical' : 'arrow'})" data-from="${escapeHtml(from)}" data-to="${escapeHtml(to)}"/>`;
  });
  const nodes = run.tasks.map((task) => node(task, layout.nodes.get(task.name)!, onPath.has(task.name)));
  const width = Math.max(layout.width, NODE_WIDTH);
  const height = layout.height + HEAD;
  return [
    `<svg class="graph${columns.size <= FIT_STAGES ? ' fit' : ''}" viewBox="0 0 ${px(width)} ${px(height)}" width="${px(width)}" height="${px(height)}" role="img" aria-label="the pipeline, stages as columns">`,
    '<defs>',
    '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" class="arrowhead"/></marker>',
    '<marker id="arrow-critical" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" class="arrowhead critical"/></marker>',
    '</defs>',
    ...labels,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}

function node(task: TaskReport, at: { x: number; y: number }, critical: boolean): string {
  const status = shownStatus(task);
  const fill = fillOf(status);
  const ink = inkOf(fill);
  const took = task.durationMs === null ? '' : ` · ${formatDuration(task.durationMs)}`;
  const attempts = task.attempts.length > 1 ? ` · ${task.attempts.length} attempts` : '';
  const reason = task.reason ? `: ${task.reason}` : '';
  const classes = ['node', `s-${status}`, ...(critical ? ['critical'] : []), ...(task.command ? [] : ['goal'])].join(' ');
  return [
    `<g class="${classes}" data-task="${escapeHtml(task.name)}" data-status="${status}"${critical ? ' data-critical="true"' : ''} transform="translate(${px(at.x)} ${px(at.y + HEAD)})">`,
    `<title>${escapeHtml(`${task.name}: ${labelOf(status)}${reason}${took}${attempts}`)}</title>`,
    `<rect x="${-NODE_WIDTH / 2}" y="${-NODE_HEIGHT / 2}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6" fill="${fill}"/>`,
    `<text class="name" y="-4" text-anchor="middle" fill="${ink}">${escapeHtml(shortName(task.name, 26))}</text>`,
    `<text class="sub" y="12" text-anchor="middle" fill="${ink}">${escapeHtml(`${task.command ? labelOf(status) : `goal · ${labelOf(status)}`}${took}${attempts}`)}</text>`,
    '</g>',
  ].join('');
}
