/**
 * The run on a time axis, one lane per slot: each attempt a bar in its task's colour (an
 * earlier, failed attempt in the failed colour), the wait before a retry dashed, the
 * critical path outlined. Approval waits hold no slot: they get lanes of their own, above.
 */
import type { RunReport, TaskReport } from '../../reports/run-report.js';
import { formatDuration, shortName, tickLabel } from '../../util/format.js';
import { tickStep } from '../gantt.js';
import { escapeHtml, px } from './escape.js';
import { fillOf, inkOf, labelOf, shownStatus } from './statuses.js';

const LABEL = 168;
const PLOT = 960;
const LANE = 26;
const AXIS = 24;
/** A bar gets its task's name when at least this wide. */
const NAMED_BAR = 56;

/** When a task's approval gate waited, ms from the run's start; null when it never waited. */
export function approvalSpan(task: TaskReport, makespanMs: number): { startMs: number; endMs: number } | null {
  if (task.approvalWaitMs === null) return null;
  const endGuess = task.startMs ?? makespanMs;
  const startMs = typeof task.approvalStartMs === 'number' ? task.approvalStartMs : Math.max(0, endGuess - task.approvalWaitMs);
  return { startMs, endMs: startMs + task.approvalWaitMs };
}

export function ganttSvg(run: RunReport): string {
  const ran = run.tasks.filter((task) => task.attempts.length > 0);
  // A gate answered at once (--approve) waited for no one: only real waits, and gates still shut, get a lane.
  const gated = run.tasks.filter((task) => {
    const span = approvalSpan(task, run.makespanMs);
    return span !== null && (span.endMs > span.startMs || task.status === 'needs-approval');
  });
  // The slots the run used: -j64 for five tasks draws five lanes, not 64.
  const slots = Math.max(1, ...ran.flatMap((task) => task.attempts.map((attempt) => attempt.slot + 1)));
  const span = Math.max(run.makespanMs, 1);
  const x = (ms: number) => LABEL + (Math.min(Math.max(ms, 0), span) / span) * PLOT;
  const laneY = (lane: number) => AXIS + lane * LANE;
  const slotLane = (slot: number) => gated.length + slot;
  const critical = new Set(run.criticalPath);
  const lanes = gated.length + slots;
  const height = AXIS + lanes * LANE + 4;
  const width = LABEL + PLOT + 8;
  const laneName = (slot: number) => (run.mergedFrom !== undefined ? `job ${slot + 1}` : `slot ${slot + 1}`);

  const parts: string[] = [];
  const step = tickStep(span, 10);
  for (let at = 0; at <= span + 1e-9; at += step) {
    parts.push(
      `<line class="tick" x1="${px(x(at))}" x2="${px(x(at))}" y1="${AXIS - 4}" y2="${height - 4}"/>`,
      `<text class="tick" x="${px(x(at))}" y="${AXIS - 8}" text-anchor="middle">${escapeHtml(tickLabel(at, step))}</text>`,
    );
  }
  gated.forEach((task, lane) => {
    const wait = approvalSpan(task, run.makespanMs)!;
    const answered = task.status !== 'needs-approval';
    const y = laneY(lane);
    parts.push(
      `<text class="lane" x="${LABEL - 6}" y="${y + LANE / 2 + 4}" text-anchor="end">${escapeHtml(`approve ${shortName(task.name, 18)}`)}</text>`,
      `<rect class="approval${answered ? '' : ' pending'}" data-task="${escapeHtml(task.name)}" x="${px(x(wait.startMs))}" y="${y + 4}" width="${px(Math.max(2, x(wait.endMs) - x(wait.startMs)))}" height="${LANE - 8}" fill="url(#waiting)">`,
      `<title>${escapeHtml(`${task.name}: waited ${formatDuration(wait.endMs - wait.startMs)} for approval${answered ? '' : ', not given'}`)}</title></rect>`,
    );
  });
  for (let slot = 0; slot < slots; slot++) {
    const y = laneY(slotLane(slot));
    parts.push(
      `<rect class="lane${slot % 2 === 1 ? ' odd' : ''}" x="${LABEL}" y="${y}" width="${PLOT}" height="${LANE}"/>`,
      `<text class="lane" x="${LABEL - 6}" y="${y + LANE / 2 + 4}" text-anchor="end">${escapeHtml(laneName(slot))}</text>`,
    );
  }
  for (const task of ran) parts.push(...bars(task, critical.has(task.name), x, (slot) => laneY(slotLane(slot))));
  return [
    `<svg class="gantt" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="the run on a time axis, one lane per slot">`,
    '<defs><pattern id="waiting" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="wait-bg"/><line x1="0" y1="0" x2="0" y2="6" class="wait-line"/></pattern></defs>',
    ...parts,
    '</svg>',
  ].join('\n');
}

function bars(task: TaskReport, critical: boolean, x: (ms: number) => number, laneY: (slot: number) => number): string[] {
  const status = shownStatus(task);
  const out: string[] = [];
  task.attempts.forEach((attempt, index) => {
    const last = index === task.attempts.length - 1;
    const fill = last ? fillOf(status) : fillOf('failed');
    const y = laneY(attempt.slot);
    const previous = task.attempts[index - 1];
    if (previous) {
      // The wait before a retry holds no slot: a dashed line, on the lane the retry ran in.
      out.push(
        `<line class="retry-wait" data-task="${escapeHtml(task.name)}" x1="${px(x(previous.endMs))}" x2="${px(x(attempt.startMs))}" y1="${y + LANE / 2}" y2="${y + LANE / 2}"/>`,
      );
    }
    const left = x(attempt.startMs);
    const width = Math.max(1.5, x(attempt.endMs) - left);
    const what = last ? labelOf(status) : `attempt ${attempt.number} ${attempt.outcome}`;
    out.push(
      `<g class="bar${critical ? ' critical' : ''}" data-task="${escapeHtml(task.name)}" data-attempt="${attempt.number}" data-slot="${attempt.slot}">`,
      `<title>${escapeHtml(`${task.name} (attempt ${attempt.number}): ${what}, ${formatDuration(attempt.durationMs)} from ${formatDuration(attempt.startMs)}`)}</title>`,
      `<rect x="${px(left)}" y="${y + 3}" width="${px(width)}" height="${LANE - 6}" rx="3" fill="${fill}"/>`,
      width >= NAMED_BAR
        ? `<text x="${px(left + 4)}" y="${y + LANE / 2 + 4}" fill="${inkOf(fill)}">${escapeHtml(shortName(task.name, Math.floor(width / 7)))}</text>`
        : '',
      '</g>',
    );
  });
  return out;
}
