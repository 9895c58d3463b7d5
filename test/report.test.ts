import t from 'tap';
import { createPlan, validatePipeline } from '../lib/plan/plan.js';
import { compareRows } from '../lib/run/compare.js';
import { simulate } from '../lib/run/simulate.js';
import { createProgress } from '../lib/sinks/progress.js';
import { renderCompare } from '../lib/views/compare.js';
import { renderGantt, tickStep } from '../lib/views/gantt.js';
import { renderMermaidGantt } from '../lib/views/mermaid.js';
import { toTrace } from '../lib/views/trace.js';
import { fakeRun } from './helpers/fake.js';
import { seedPipeline } from './helpers/seed.js';
import type { Tap } from './helpers/tap.js';

const durations = { A: 1000, B: 1200, C: 800, D: 1000, E: 1500, F: 2500 };

/** Checks that no two complete events on one track overlap; returns the task events. */
export function checkTrace(t: Tap, trace: ReturnType<typeof toTrace>) {
  const tasks = trace.traceEvents.filter((event) => event.ph === 'X');
  const byTrack = new Map<number, typeof tasks>();
  for (const event of tasks) byTrack.set(event.tid, [...(byTrack.get(event.tid) ?? []), event]);
  for (const [tid, events] of byTrack) {
    events.sort((a, b) => a.ts! - b.ts!);
    for (let i = 1; i < events.length; i++) {
      t.ok(
        events[i - 1]!.ts! + events[i - 1]!.dur! <= events[i]!.ts!,
        `track ${tid}: ${events[i - 1]!.name} ends before ${events[i]!.name} starts`,
      );
    }
  }
  return tasks;
}

t.test('a record is read back only when the views can draw it: statuses, names, numbers of the right kinds', async (t) => {
  const { readReport } = await import('../lib/reports/run-report.js');
  const good = JSON.parse(JSON.stringify(simulate(seedPipeline(), { jobs: 2, durations })));
  t.equal(typeof readReport(good), 'object');
  // biome-ignore lint/suspicious/noExplicitAny: a damaged record is untyped on purpose
  const broken: [string, (run: any) => void, RegExp][] = [
    ['run status', (run) => (run.status = 'exploded'), /its status "exploded" is not a run status/],
    ['jobs', (run) => (run.jobs = '2"><b>'), /its jobs .* is not a whole number/],
    ['targets', (run) => (run.targets = [1]), /targets and critical path are not lists of names/],
    ['start', (run) => (run.startedAt = 5), /start or makespan is not a time/],
    ['a task', (run) => (run.tasks[0] = null), /a task of it is not a record/],
    ['task name', (run) => (run.tasks[0].name = 7), /task 1: has no name/],
    ['task status', (run) => (run.tasks[1].status = 'meh'), /task 2 \("B"\): its status "meh" is not a task status/],
    ['deps', (run) => (run.tasks[0].deps = 'A'), /dependencies or stage/],
    ['a time', (run) => (run.tasks[0].startMs = '0'), /a time of it is not a number/],
    ['approval start', (run) => (run.tasks[0].approvalStartMs = 'x'), /a time of it is not a number/],
    ['tail', (run) => (run.tasks[0].tail = [1]), /last lines are not lines/],
    ['attempts', (run) => (run.tasks[0].attempts = {}), /attempts are not a list/],
    ['attempt slot', (run) => (run.tasks[0].attempts[0].slot = -1), /an attempt has no number or slot/],
    ['attempt time', (run) => (run.tasks[0].attempts[0].endMs = null), /a time of an attempt is not a number/],
  ];
  for (const [what, damage, message] of broken) {
    const run = JSON.parse(JSON.stringify(good));
    damage(run);
    const read = readReport(run);
    t.type(read, 'string', `${what}: refused`);
    t.match(read, message, what);
  }
});

t.test('trace: valid trace-event JSON, one track per slot, slots never overlap', async (t) => {
  for (const jobs of [1, 2, 3]) {
    const report = simulate(seedPipeline(), { jobs, durations });
    const trace = JSON.parse(JSON.stringify(toTrace(report))) as ReturnType<typeof toTrace>;
    t.ok(Array.isArray(trace.traceEvents));
    const tasks = checkTrace(t, trace);
    t.same(tasks.map((event) => event.name).sort(), ['A', 'B', 'C', 'D', 'E', 'F'], 'every task, goals left out');
    t.ok(tasks.every((event) => event.tid >= 1 && event.tid <= jobs && event.pid === 1));
    const names = trace.traceEvents.filter((event) => event.name === 'thread_name').map((event) => event.args!.name);
    t.same(
      names,
      Array.from({ length: jobs }, (_, i) => `slot ${i + 1}`),
    );
    const f = tasks.find((event) => event.name === 'F')!;
    t.equal(f.dur, 2_500_000, 'microseconds');
  }
});

t.test('gantt: one row per task on a shared axis, critical path marked', async (t) => {
  const report = simulate(seedPipeline(), { jobs: 2, durations });
  const lines = renderGantt(report, { width: 80 });
  t.equal(lines.length, 1 + 6 + 1);
  t.match(lines[0], /^\s+0\s+1s\s+2s\s+3s/);
  const row = (name: string) => lines.find((line) => line.startsWith(`${name} `))!;
  for (const name of report.criticalPath) t.match(row(name), /█/, `${name} is on the critical path`);
  const off = report.tasks.find((task) => task.command && !report.criticalPath.includes(task.name))!;
  t.match(row(off.name), /▒/);
  t.notMatch(row(off.name), /█/);
  // Bars line up with the axis: a task starting later starts further right.
  const startCol = (name: string) => row(name).search(/[█▒]/);
  t.ok(startCol('D') > startCol('A'));
  t.ok(startCol('C') >= startCol('D') + 5);
  t.equal(tickStep(3000, 6), 500);
  t.equal(tickStep(95_000, 6), 20_000);
  const failed = fakeRun(seedPipeline(), { jobs: 2, exitCodes: { A: 1 } }).report;
  t.match(renderGantt(failed).join('\n'), /✗ failed/);
});

t.test('mermaid gantt: sections by stage, ms timestamps, colons escaped', async (t) => {
  const report = simulate(seedPipeline(), { jobs: 2, durations });
  report.tasks[0]!.name = 'service_a:deploy';
  const text = renderMermaidGantt(report);
  t.match(text, /^```mermaid\ngantt\n/);
  t.match(text, /dateFormat x/);
  t.match(text, /section stage 1\n/);
  t.match(text, /service_a∶deploy :(crit|done), t0, 0, 1000\n/);
  t.match(text, /\n```$/);
  t.notMatch(
    text
      .split('\n')
      .filter((line) => line.includes(' :'))
      .join('\n'),
    /service_a:deploy/,
  );
});

t.test('compare output as table, CSV and JSON', async (t) => {
  const plan = createPlan(validatePipeline(seedPipeline(), '/tmp'));
  const rows = compareRows(
    plan,
    [1, 2].map((jobs) => simulate(plan, { jobs, durations: { A: 1000, B: 1000, C: 1000, D: 1000, E: 1000, F: 1000 } })),
  );
  const table = renderCompare(rows, 'table');
  t.match(table[0], /^N\s+schedule\s+makespan\s+speedup\s+efficiency\s+lower bound\s+gap$/);
  t.match(table[1], /^1\s+dag\s+6\.00s\s+1\.00×\s+100%\s+6\.00s\s+0\.0%$/);
  t.match(table[2], /^2\s+dag\s+3\.00s\s+2\.00×\s+100%\s+3\.00s\s+0\.0%\s+← pick$/, 'no CPU time known: no cores column');
  t.equal(table[3], 'pick -j2: the largest N compared; try more');
  const csv = renderCompare(rows, 'csv');
  t.equal(csv[0], 'jobs,schedule,makespanMs,speedup,efficiency,lowerBoundMs,gap,simulated,ok,coresBusy,cores,picked');
  t.equal(csv[1], `1,dag,6000,1.000,1.000,6000,0.000,true,true,,${rows[0]!.cores},false`);
  const json = JSON.parse(renderCompare(rows, 'json')[0]!);
  t.match(json[1], { jobs: 2, schedule: 'dag', makespanMs: 3000, speedup: 2, efficiency: 1, lowerBoundMs: 3000, simulated: true });
});

t.test('progress: done/total, running tasks, time left from history; cleared at the end', async (t) => {
  const statuses: (string | undefined)[] = [];
  let clock = 0;
  const progress = createProgress({
    screen: { print() {}, status: (text) => statuses.push(text) },
    durations: new Map(Object.entries({ A: 10, B: 10, C: 10, D: 10, E: 10, F: 10 })),
    width: () => 200,
    now: () => clock,
    intervalMs: 1e9,
  });
  // Drive the progress sink from a run's event stream, its clock in step with the events.
  const { events } = fakeRun(seedPipeline(), { jobs: 2, history: { A: 10, B: 10, C: 10, D: 10, E: 10, F: 10 } });
  for (const event of events) {
    clock = event.at;
    progress(event);
  }
  t.equal(statuses.at(-1), undefined, 'the line is removed at the end');
  t.equal(statuses[1], '» 0/6 done · running A 0ms · ~30ms left');
  t.ok(statuses.includes('» 2/6 done · running D 0ms, F 0ms · ~20ms left'), 'A and B done, D and F running, 20 ms to go');
  const noHistory: (string | undefined)[] = [];
  const blind = createProgress({
    screen: { print() {}, status: (text) => noHistory.push(text) },
    durations: new Map(),
    width: () => 40,
    now: () => 0,
    intervalMs: 1e9,
  });
  for (const event of events) blind(event);
  t.equal(noHistory[1], '» 0/6 done · running A 0ms · no histor…', 'no estimate without history');
  t.ok(
    noHistory.every((line) => line === undefined || line.length <= 39),
    'cut to the width, less one column',
  );
});

t.test('progress never shows a negative elapsed time, even when its clock lags the events', async (t) => {
  const statuses: (string | undefined)[] = [];
  let clock = 0;
  const progress = createProgress({
    screen: { print() {}, status: (text) => statuses.push(text) },
    durations: new Map(),
    width: () => 200,
    now: () => clock,
    intervalMs: 1e9,
  });
  const { events } = fakeRun(seedPipeline(), { jobs: 2 });
  for (const event of events) {
    clock = Math.max(0, event.at - 0.6);
    progress(event);
  }
  t.ok(statuses.length > 3);
  t.notOk(
    statuses.some((line) => line?.includes('-')),
    statuses.find((line) => line?.includes('-')) ?? 'no negative time',
  );
});
