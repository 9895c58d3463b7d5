/**
 * The page's style sheet and its one script, inline (the page opens offline, from a CI
 * artifact or an email). The script only highlights a task everywhere it appears while the
 * pointer is on it, and takes a click on a box or a bar to the task's row in the table; the
 * page reads the same without it, and prints without it.
 */

export const STYLE = `
:root { color-scheme: light; --ink: #212529; --muted: #6c757d; --line: #dee2e6; --path: #5f3dc4; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 16px 20px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
.run-status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 14px; vertical-align: 2px; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0 0 8px; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.note, .legend, footer { color: var(--muted); font-size: 12px; }
.legend span { margin-right: 14px; white-space: nowrap; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 4px; }
svg.fit, svg.gantt { max-width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg .name { font-weight: 600; }
svg [data-task] { cursor: pointer; }
svg .stage, svg text.tick, svg text.lane { fill: var(--muted); }
.node rect { stroke: #495057; stroke-width: 1; }
.node.goal rect { stroke-dasharray: 4 3; }
.node.s-skipped rect, .node.s-cancelled rect { stroke: #adb5bd; stroke-dasharray: 3 3; }
.node.critical rect { stroke: var(--path); stroke-width: 3; }
.edge { fill: none; stroke: #adb5bd; stroke-width: 1.3; }
.edge.critical { stroke: var(--path); stroke-width: 2.6; }
.arrowhead { fill: #adb5bd; }
.arrowhead.critical { fill: var(--path); }
rect.lane { fill: #f8f9fa; }
rect.lane.odd { fill: #f1f3f5; }
line.tick { stroke: #e9ecef; }
.bar rect { stroke: rgba(0,0,0,.25); }
.bar.critical rect { stroke: var(--path); stroke-width: 2; }
.retry-wait { stroke: #e03131; stroke-width: 1.5; stroke-dasharray: 3 3; }
.approval { stroke: #e67700; }
.approval.pending { stroke-dasharray: 4 2; }
.wait-bg { fill: #fff3bf; }
.wait-line { stroke: #f59f00; stroke-width: 2; }
.hl rect, .hl.approval, tr.hl { outline: 2px solid #1c7ed6; }
table { border-collapse: collapse; }
table.tasks { width: 100%; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.name { font-weight: 600; white-space: nowrap; }
.on-path { color: var(--path); }
td.why { color: var(--muted); min-width: 12em; }
td.status { white-space: nowrap; }
.trend polyline { fill: none; stroke: #495057; stroke-width: 1.2; }
.trend circle { fill: #1c7ed6; }
tr.tail-row td { border-bottom: 1px solid var(--line); padding-top: 0; }
pre.tail { margin: 4px 0 8px; padding: 8px; max-height: 24em; overflow: auto; background: #212529; color: #f8f9fa; border-radius: 4px; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-all; }
.predictions td.picked { font-weight: 700; }
@media print {
  body { max-width: none; padding: 0; }
  .scroll { overflow: visible; border: none; }
  pre.tail { max-height: none; background: #fff; color: #000; border: 1px solid #999; }
  .hl rect, tr.hl { outline: none; }
}
`;

export const SCRIPT = `
(() => {
  const all = Array.from(document.querySelectorAll('[data-task]'));
  const mark = (name, on) => { for (const el of all) if (el.getAttribute('data-task') === name) el.classList.toggle('hl', on); };
  const rows = new Map(Array.from(document.querySelectorAll('table.tasks tr[data-task]')).map((row) => [row.getAttribute('data-task'), row]));
  for (const el of all) {
    el.addEventListener('mouseenter', () => mark(el.getAttribute('data-task'), true));
    el.addEventListener('mouseleave', () => mark(el.getAttribute('data-task'), false));
    if (el.tagName !== 'TR') el.addEventListener('click', () => rows.get(el.getAttribute('data-task'))?.scrollIntoView({ block: 'center' }));
  }
})();
`;
