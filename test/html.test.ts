// The HTML report, drawn from runs on the fake executor: every task with its status in the
// graph, the timeline and the table; stages as columns; the critical path; a failed task's
// last lines, escaped; nothing fetched. (test/e2e/html-browser.test.ts opens it in Chromium.)
import { createHash } from 'node:crypto';
import t from 'tap';
import { TASK_STATUSES, type TaskStatus } from '../lib/events/events.js';
import { pipeline } from '../lib/model/model.js';
import type { RunReport, TaskReport } from '../lib/reports/run-report.js';
import { createReportSink } from '../lib/sinks/collect.js';
import { LineTails } from '../lib/sinks/line-tails.js';
import { approvalSpan, ganttSvg } from '../lib/views/html/gantt-svg.js';
import { DAGRE_MAX_TASKS, layoutGraph } from '../lib/views/html/graph-layout.js';
import { renderHtmlReport } from '../lib/views/html/page.js';
import { inkOf } from '../lib/views/html/statuses.js';
import { durationTrends, sparkline } from '../lib/views/html/task-table.js';
import { fakeRun } from './helpers/fake.js';

/** The attributes of each element of `tag` with class `className` (a small reader: the browser test reads the real DOM). */
function elements(html: string, pattern: RegExp): Record<string, string>[] {
  return [...html.matchAll(pattern)].map((match) =>
    Object.fromEntries([...match[0].matchAll(/([\w-]+)="([^"]*)"/g)].map((attr) => [attr[1]!, attr[2]!])),
  );
}
const graphNodes = (html: string) => elements(html, /<g class="node[^>]*>/g);
const tableRows = (html: string) => elements(html, /<tr data-task="[^>]*>/g);
const bars = (html: string) => elements(html, /<g class="bar[^>]*>/g);

function releaseLike() {
  const p = pipeline({ secrets: ['TOKEN'] });
  p.task('infra', { run: 'cfn', okExitCodes: [0, 255] });
  p.task('build', { run: 'build', deps: ['infra'] });
  p.task('smoke', { run: 'smoke', deps: ['build'], retries: 1 });
  p.task('migrate', { run: 'migrate', deps: ['infra'] });
  p.task('announce', { run: 'announce', deps: ['migrate'] });
  p.task('slow', { run: 'slow', timeout: '50ms' });
  p.task('gate', { run: 'deploy', deps: ['smoke'], approval: 'Ship it?' });
  p.task('all', { deps: ['gate', 'announce', 'slow'] });
  return fakeRun(p, {
    jobs: 2,
    keepGoing: true,
    targets: ['all'],
    durations: { infra: 100, build: 300, smoke: 200, migrate: 150, slow: 1000 },
    exitCodes: { infra: 255 },
    approver: { request: () => ({ approved: false, reason: 'declined in the test' }) },
    attempt: (attempt) => {
      if (attempt.task.name === 'smoke' && attempt.number === 1) return { exitCode: 1 };
      if (attempt.task.name !== 'migrate') return undefined;
      const lines = Array.from({ length: 30 }, (_, i) => `migration step ${i + 1}`);
      return { exitCode: 1, output: [...lines, '</pre><script>alert(1)</script>', '\u001b[2Jcleared?', 'x'.repeat(2000)] };
    },
  });
}

t.test('every task appears in the graph, the timeline and the table with its status', async (t) => {
  const { report } = releaseLike();
  const html = renderHtmlReport(report);
  const want = Object.fromEntries(report.tasks.map((task) => [task.name, task.flaky ? 'flaky' : task.status]));
  t.same(want, {
    infra: 'no-change',
    build: 'ok',
    smoke: 'flaky',
    migrate: 'failed',
    announce: 'skipped',
    slow: 'timeout',
    gate: 'needs-approval',
    all: 'skipped',
  });
  t.same(Object.fromEntries(graphNodes(html).map((node) => [node['data-task'], node['data-status']])), want, 'graph');
  t.same(Object.fromEntries(tableRows(html).map((row) => [row['data-task'], row['data-status']])), want, 'table');
  const attempts = report.tasks.reduce((sum, task) => sum + task.attempts.length, 0);
  t.equal(bars(html).length, attempts, 'one bar per attempt');
  t.same(
    bars(html)
      .filter((bar) => bar['data-task'] === 'smoke')
      .map((bar) => bar['data-attempt']),
    ['1', '2'],
    'the flaky task has both attempts',
  );
  t.match(html, /class="retry-wait" data-task="smoke"/, 'the wait before the retry is drawn');
  t.match(html, /class="approval pending" data-task="gate"/, 'the gate that was not approved has its wait lane');
});

t.test('stages are columns, left to right; the critical path is marked in the graph, the edges and the table', async (t) => {
  const { report } = releaseLike();
  const layout = layoutGraph(report.tasks);
  t.equal(layout.by, 'dagre');
  const x = (task: TaskReport) => layout.nodes.get(task.name)!.x;
  for (const a of report.tasks) {
    for (const b of report.tasks) {
      if (a.stage < b.stage) t.ok(x(a) < x(b), `${a.name} (stage ${a.stage}) left of ${b.name} (stage ${b.stage})`);
      if (a.stage === b.stage) t.equal(x(a), x(b), `${a.name} and ${b.name} share a column`);
    }
  }
  const html = renderHtmlReport(report);
  t.ok(report.criticalPath.length >= 2);
  t.same(
    graphNodes(html)
      .filter((node) => node['data-critical'] === 'true')
      .map((node) => node['data-task'])
      .sort(),
    [...report.criticalPath].sort(),
  );
  const critical = elements(html, /<path class="edge critical"[^>]*>/g);
  t.ok(critical.length >= 1, 'the path runs along dependencies');
  for (const edge of critical) {
    const at = report.criticalPath.indexOf(edge['data-to']!);
    t.equal(report.criticalPath[at - 1], edge['data-from'], `${edge['data-from']} → ${edge['data-to']} is a step of the path`);
  }
  t.same(
    tableRows(html)
      .filter((row) => row['data-critical'] === 'true')
      .map((row) => row['data-task'])
      .sort(),
    [...report.criticalPath].sort(),
  );
});

t.test("a failed task's last lines are in the page, escaped, controls made visible, long lines cut", async (t) => {
  const { report } = releaseLike();
  const migrate = report.tasks.find((task) => task.name === 'migrate')!;
  t.equal(migrate.tail?.length, 15, 'the default 15 lines');
  t.equal(migrate.tail?.[0], 'migration step 19');
  t.equal(migrate.tail?.[13], '␛[2Jcleared?', 'a control sequence is kept visible, not acting');
  t.equal(migrate.tail?.[14]?.length, 501, 'a long line is cut to 500 characters and an ellipsis');
  t.equal(report.tasks.find((task) => task.name === 'build')!.tail, undefined, 'a task that succeeded keeps no lines');
  t.equal(report.tasks.find((task) => task.name === 'smoke')!.tail, undefined, 'nor one that succeeded on a retry');
  const html = renderHtmlReport(report);
  t.match(html, '&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  t.equal(html.match(/<script>/g)?.length, 1, "the page's own script is the only one");
  t.match(html, /<pre class="tail" data-task="migrate">migration step 19\n/);
  t.match(html, /slow: no output was recorded|data-tail-of="slow"/, 'a timed-out task gets its lines or says it has none');
});

t.test('nothing is fetched; the policy admits only the inline style and script, by hash', async (t) => {
  const html = renderHtmlReport(releaseLike().report);
  t.notMatch(html, /\b(?:src|href)=/, 'no src or href at all');
  t.notMatch(html, /https?:\/\//, 'no address');
  t.notMatch(html, /\sstyle="/, 'no style attribute (the policy would block it)');
  const policy = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1]!;
  t.match(policy, "default-src 'none'");
  const style = html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
  const script = html.match(/<script>([\s\S]*?)<\/script>/)![1]!;
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  t.match(policy, `style-src ${hash(style)}`);
  t.match(policy, `script-src ${hash(script)}`);
  t.ok(Buffer.byteLength(html) < 60_000, `small: ${Buffer.byteLength(html)} bytes`);
});

t.test('every status has its colour and label; a hand-made run with each draws them all', async (t) => {
  const base = releaseLike().report;
  const template = base.tasks.find((task) => task.name === 'build')!;
  const tasks: TaskReport[] = TASK_STATUSES.map((status: TaskStatus, index) => ({
    ...template,
    name: `t${index}`,
    deps: [],
    stage: 0,
    status,
  }));
  const run: RunReport = { ...base, tasks, criticalPath: [] };
  const html = renderHtmlReport(run);
  t.same(
    graphNodes(html).map((node) => node['data-status']),
    [...TASK_STATUSES],
  );
  const fills = new Set(
    TASK_STATUSES.map(
      (status) => html.match(new RegExp(`data-status="${status}"[^>]*><title>[^<]*</title><rect [^>]*fill="(#[0-9a-f]{6})"`))?.[1],
    ),
  );
  t.equal(fills.size, TASK_STATUSES.length, 'a colour of its own for each status');
  t.equal(inkOf('#ffffff'), '#212529');
  t.equal(inkOf('#000000'), '#ffffff');
});

t.test('history gives p50, p95, success and a trend; the predictions are shown, or why there are none', async (t) => {
  const runs = [100, 120, 110].map((ms) => {
    const p = pipeline();
    p.task('a', { run: 'a' });
    return fakeRun(p, { targets: ['a'], durations: { a: ms } }).report;
  });
  const trends = durationTrends(runs, 2);
  t.same(trends.get('a'), [120, 110], 'the last two, oldest first');
  t.equal(sparkline([5]), '', 'no trend from one point');
  t.match(sparkline([1, 2, 3]), /<polyline points="[^"]+"\/><circle/);
  const html = renderHtmlReport(runs[2]!, { history: runs, predictions: { unavailable: 'no deployfile here' } });
  t.match(
    html,
    /<td class="num">–<\/td><td class="num">110ms<\/td><td class="num">120ms<\/td><td class="num">100% of 3<\/td>/,
    'p50 110, p95 120, 3 of 3',
  );
  t.match(html, 'No predictions at other -j: no deployfile here');
  const rows = [1, 2].map((jobs) => ({
    jobs,
    schedule: 'dag' as const,
    makespanMs: 300 / jobs,
    speedup: jobs,
    efficiency: 1,
    lowerBoundMs: 150,
    gap: 0,
    simulated: true,
    ok: true,
    coresBusy: null,
    cores: null,
    picked: jobs === 2,
  }));
  const predicted = renderHtmlReport(runs[2]!, { predictions: { rows, note: 'simulated in the test' } });
  t.match(predicted, /<tr data-jobs="2"><td class="num picked">-j2<\/td><td class="num picked">150ms<\/td>/);
  t.match(predicted, 'this run: 110ms');
});

t.test('approval waits: when the gate began, or before the task started in older records', async (t) => {
  const task = { approvalWaitMs: 200, startMs: 1000, approvalStartMs: undefined } as unknown as TaskReport;
  t.same(approvalSpan(task, 5000), { startMs: 800, endMs: 1000 });
  t.same(approvalSpan({ ...task, approvalStartMs: 300 }, 5000), { startMs: 300, endMs: 500 });
  t.same(approvalSpan({ ...task, startMs: null }, 5000), { startMs: 4800, endMs: 5000 }, 'never started: it waited until the end');
  t.equal(approvalSpan({ ...task, approvalWaitMs: null }, 5000), null);
  const { report } = releaseLike();
  const gate = report.tasks.find((one) => one.name === 'gate')!;
  t.type(gate.approvalStartMs, 'number', 'the report records when the gate began to wait');
  t.match(ganttSvg(report), /approve gate/);
});

t.test('the timeline draws the slots used, and approval lanes only for real waits', async (t) => {
  const p = pipeline();
  p.task('a', { run: 'a' });
  p.task('b', { run: 'b', approval: 'Go?' });
  const { report } = fakeRun(p, { jobs: 64, targets: ['a', 'b'], approver: { request: () => ({ approved: true, by: 'test' }) } });
  const svg = ganttSvg(report);
  t.equal(svg.match(/<rect class="lane/g)?.length, 2, 'two tasks at once: two lanes, not 64');
  t.notMatch(svg, /approve b/, 'a gate answered at once waited for no one: no lane');
  const declined = fakeRun(p, { jobs: 64, targets: ['b'] }).report;
  t.match(
    ganttSvg({ ...declined, tasks: [...declined.tasks, ...report.tasks.filter((task) => task.name === 'a')] }),
    /approve b/,
    'a gate still shut has its lane',
  );
});

t.test('large pipelines are laid out in columns without dagre', async (t) => {
  const p = pipeline();
  for (let i = 0; i <= DAGRE_MAX_TASKS; i++) p.task(`t${i}`, { run: 'x', deps: i > 0 ? [`t${i - 1}`] : [] });
  const { report } = fakeRun(p, { targets: [`t${DAGRE_MAX_TASKS}`], durations: {} });
  const layout = layoutGraph(report.tasks);
  t.equal(layout.by, 'columns');
  t.equal(layout.edges.length, DAGRE_MAX_TASKS);
  t.ok(layout.nodes.get('t1')!.x > layout.nodes.get('t0')!.x);
});

t.test('LineTails keeps the last lines per task, each its own size; the report sink keeps none unless asked', async (t) => {
  const tails = new LineTails(3);
  for (let i = 1; i <= 5; i++) tails.add(1, `a${i}`);
  tails.add(2, 'b1', 1);
  tails.add(2, 'b2', 1);
  t.same(tails.take(1), ['a3', 'a4', 'a5']);
  t.same(tails.take(1), [], 'taken once');
  t.same(tails.take(2), ['b2']);
  const sink = createReportSink();
  const { events } = releaseLike();
  for (const event of events) sink.sink(event);
  t.equal(sink.report().tasks.find((task) => task.name === 'migrate')!.tail, undefined);
});
