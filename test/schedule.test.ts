import t from 'tap';
import type { RunEvent } from '../lib/events/events.js';
import type { Executor } from '../lib/executors/executor.js';
import { pipeline, type TaskRef } from '../lib/model/model.js';
import { createPlan, validatePipeline } from '../lib/plan/plan.js';
import { execute } from '../lib/run/execute.js';
import { VirtualClock } from '../lib/schedule/clock.js';
import { fakeRun, statuses } from './helpers/fake.js';
import { seedPipeline } from './helpers/seed.js';

t.test('seed services: dag reaches the critical path at -j2; stages needs -j3', async (t) => {
  const expected = { dag: [60, 30, 30], stages: [60, 40, 30] } as const;
  for (const schedule of ['dag', 'stages'] as const) {
    for (const jobs of [1, 2, 3]) {
      const { report, maxRunning } = fakeRun(seedPipeline(), { jobs, schedule });
      t.equal(report.makespanMs, expected[schedule][jobs - 1], `${schedule} -j${jobs}`);
      t.ok(maxRunning <= jobs, `${schedule} -j${jobs} never runs more than ${jobs}`);
      t.equal(report.status, 'ok');
    }
  }
});

t.test('dag -j2 on the seed: exact start times, longest remaining chain first', async (t) => {
  const { startTimes, starts } = fakeRun(seedPipeline(), { jobs: 2 });
  t.same(startTimes, { A: 0, B: 0, D: 10, F: 10, C: 20, E: 20 });
  // A and B end together: D (two tasks after it) is started before F (none after it).
  t.same(starts, ['A', 'B', 'D', 'F', 'C', 'E']);
});

t.test('stages -j2 on the seed reproduces the barrier Makefile', async (t) => {
  const { startTimes } = fakeRun(seedPipeline(), { jobs: 2, schedule: 'stages' });
  t.same(startTimes, { A: 0, B: 0, F: 10, D: 20, C: 30, E: 30 });
});

t.test('critical-path priority beats declaration order', async (t) => {
  const p = pipeline();
  p.task('s1', { run: 'true' });
  p.task('s2', { run: 'true' });
  const c1 = p.task('c1', { run: 'true' });
  const c2 = p.task('c2', { run: 'true', deps: [c1] });
  p.task('c3', { run: 'true', deps: [c2] });
  const { report, starts, startTimes } = fakeRun(p, { jobs: 2, targets: ['s1', 's2', 'c3'] });
  t.same(starts, ['c1', 's1', 'c2', 's2', 'c3']);
  t.same(startTimes, { c1: 0, s1: 0, c2: 10, s2: 10, c3: 20 });
  t.equal(report.makespanMs, 30, 'FIFO order would take 40');
});

t.test('recorded durations weigh the priorities', async (t) => {
  const build = () => {
    const p = pipeline();
    p.task('x', { run: 'true' });
    p.task('y', { run: 'true' });
    p.task('long', { run: 'true' });
    const s1 = p.task('s1', { run: 'true' });
    p.task('s2', { run: 'true', deps: [s1] });
    return p;
  };
  const durations = { long: 50, x: 10, y: 10, s1: 10, s2: 10 };
  const targets = ['x', 'y', 'long', 's2'];
  const unweighted = fakeRun(build(), { jobs: 2, durations, targets });
  t.equal(unweighted.starts[0], 's1', 'without history the 2-task chain goes first');
  t.equal(unweighted.report.makespanMs, 60, 'long starts only at 10');
  const weighted = fakeRun(build(), { jobs: 2, durations, targets, history: durations });
  t.same(weighted.starts.slice(0, 2), ['long', 's1'], 'with history the 50 ms task goes first');
  t.equal(weighted.report.makespanMs, 50);
});

t.test('ties go by declaration order', async (t) => {
  const p = pipeline();
  for (const name of ['e', 'b', 'd', 'a', 'c']) p.task(name, { run: 'true' });
  const { starts } = fakeRun(p, { jobs: 1, targets: ['a', 'b', 'c', 'd', 'e'] });
  t.same(starts, ['e', 'b', 'd', 'a', 'c']);
});

t.test('never more than N at once, and N when there is enough work', async (t) => {
  const p = pipeline();
  for (let i = 0; i < 40; i++) p.task(`t${i}`, { run: 'true' });
  p.task('all', { deps: Array.from({ length: 40 }, (_, i) => `t${i}`) });
  for (const jobs of [1, 3, 7, 40, 64]) {
    const { maxRunning, report } = fakeRun(p, { jobs, targets: ['all'] });
    t.equal(maxRunning, Math.min(jobs, 40), `-j${jobs}`);
    t.equal(report.makespanMs, Math.ceil(40 / jobs) * 10);
    const slots = new Set(report.tasks.filter((task) => task.slot !== null).map((task) => task.slot));
    t.equal(slots.size, Math.min(jobs, 40), 'slots 0..N-1 are used');
    t.ok([...slots].every((slot) => slot! < jobs));
  }
});

t.test('a failure stops new starts, lets running tasks finish, skips dependents', async (t) => {
  const { report, starts } = fakeRun(seedPipeline(), {
    jobs: 2,
    durations: { A: 10, B: 30 },
    exitCodes: { A: 3 },
  });
  t.same(starts, ['A', 'B'], 'nothing starts after A fails');
  t.same(statuses(report), { A: 'failed', B: 'ok', D: 'skipped', C: 'skipped', E: 'skipped', F: 'cancelled', deploy: 'skipped' });
  t.equal(report.status, 'failed');
  t.equal(report.ok, false);
  const a = report.tasks.find((task) => task.name === 'A')!;
  t.equal(a.exitCode, 3);
  t.equal(report.tasks.find((task) => task.name === 'D')!.reason, 'needs A, which failed');
  t.equal(report.makespanMs, 30, 'the run waits for B');
});

t.test('keep-going runs everything that does not depend on the failure', async (t) => {
  const { report, starts } = fakeRun(seedPipeline(), { jobs: 2, keepGoing: true, exitCodes: { B: 1 } });
  t.same(starts, ['A', 'B', 'F']);
  t.same(statuses(report), { A: 'ok', B: 'failed', D: 'skipped', C: 'skipped', E: 'skipped', F: 'ok', deploy: 'skipped' });
  t.equal(report.status, 'failed');
});

t.test('keep-going with stages moves on to the next stage', async (t) => {
  const p = pipeline();
  p.task('a', { run: 'true' });
  p.task('b', { run: 'true' });
  p.task('c', { run: 'true', deps: ['a'] });
  p.task('d', { run: 'true', deps: ['b'] });
  const { report } = fakeRun(p, { jobs: 2, schedule: 'stages', keepGoing: true, exitCodes: { a: 1 }, targets: ['c', 'd'] });
  t.same(statuses(report), { a: 'failed', b: 'ok', c: 'skipped', d: 'ok' });
});

t.test('stages: a stage waits for all of the previous one', async (t) => {
  const durations = { F: 50 };
  const dag = fakeRun(seedPipeline(), { jobs: 3, durations });
  const stages = fakeRun(seedPipeline(), { jobs: 3, schedule: 'stages', durations });
  t.same(dag.report.criticalPath, ['F'], 'under dag, F alone decides the makespan');
  t.same(stages.report.criticalPath, ['F', 'D', 'C'], 'under stages, D waited for F: the barrier is on the critical path');
  t.equal(dag.startTimes.D, 10);
  t.equal(stages.startTimes.D, 50, 'D waits for F, as the barrier Makefile did');
  t.equal(dag.report.makespanMs, 50);
  t.equal(stages.report.makespanMs, 70);
});

t.test('interrupting stops running tasks and cancels the rest', async (t) => {
  const { report, starts, events } = fakeRun(seedPipeline(), { jobs: 2, stopAt: 15 });
  t.same(starts, ['A', 'B', 'D', 'F']);
  t.same(statuses(report), { A: 'ok', B: 'ok', D: 'interrupted', F: 'interrupted', C: 'cancelled', E: 'cancelled', deploy: 'cancelled' });
  t.equal(report.status, 'interrupted');
  t.equal(report.makespanMs, 15);
  const stopping = events.find((event) => event.type === 'run-stopping');
  t.match(stopping, { cause: 'interrupt' });
});

t.test('goals take no slot and no time', async (t) => {
  const p = pipeline();
  const a = p.task('a', { run: 'true' });
  const g = p.task('g', { deps: [a] });
  p.task('b', { run: 'true', deps: [g] });
  p.task('c', { run: 'true' });
  const { report } = fakeRun(p, { jobs: 1, targets: ['b', 'c'] });
  t.equal(report.makespanMs, 30, 'three 10 ms tasks in one slot; the goal adds nothing');
  t.same(report.criticalPath, ['a', 'b', 'c'], 'at -j1 each task waited for the one before it (c for the slot b freed)');
  const wide = fakeRun(p, { jobs: 2, targets: ['b', 'c'] }).report;
  t.equal(wide.makespanMs, 20);
  t.same(wide.criticalPath, ['a', 'b'], 'goals are left out of the critical path');
  const goal = report.tasks.find((task) => task.name === 'g')!;
  t.equal(goal.status, 'ok');
  t.equal(goal.slot, null);
  t.equal(goal.durationMs, 0);
});

t.test('an executor that ends tasks synchronously: a 20,000-task chain, no stack overflow', async (t) => {
  const p = pipeline();
  let previous: TaskRef = p.task('t0', { run: 'true' });
  for (let i = 1; i < 20_000; i++) previous = p.task(`t${i}`, { run: 'true', deps: [previous] });
  const plan = createPlan(validatePipeline(p, '/tmp'), [previous.name]);
  const order: string[] = [];
  const executor: Executor = {
    start({ task }, io) {
      order.push(task.name);
      io.end({ kind: 'exited', exitCode: 0 });
      return { stop() {} };
    },
  };
  const events: RunEvent[] = [];
  const clock = new VirtualClock();
  const { handle } = execute(plan, { jobs: 4, simulated: true, sinks: [(event) => events.push(event)] }, executor, clock);
  clock.runAll();
  t.equal(await handle.done, 'ok');
  t.equal(order.length, 20_000);
  t.equal(order[19_999], 't19999');
  t.equal(events.at(-1)!.type, 'run-end');
});

t.test('an executor that throws on start fails that task only', async (t) => {
  const p = pipeline();
  p.task('bad', { run: 'true' });
  p.task('good', { run: 'true' });
  const plan = createPlan(validatePipeline(p, '/tmp'), ['bad', 'good']);
  const clock = new VirtualClock();
  const ended: Record<string, string | null> = {};
  const executor: Executor = {
    start({ task }, io) {
      if (task.name === 'bad') throw new Error('no such thing');
      clock.setTimer(5, () => io.end({ kind: 'exited', exitCode: 0 }));
      return { stop() {} };
    },
  };
  const sink = (event: RunEvent) => {
    if (event.type === 'task-end') ended[event.task.name] = `${event.status}: ${event.reason}`;
  };
  const { handle } = execute(plan, { jobs: 2, keepGoing: true, simulated: true, sinks: [sink] }, executor, clock);
  clock.runAll();
  t.equal(await handle.done, 'failed');
  t.same(ended, { bad: 'failed: could not start: no such thing', good: 'ok: null' });
});

t.test('jobs must be a positive integer, on every path into the scheduler', async (t) => {
  const plan = createPlan(validatePipeline(seedPipeline(), '/tmp'));
  for (const jobs of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => execute(plan, { jobs, simulated: true }, { start: () => ({ stop() {} }) }, new VirtualClock()), {
      code: 'E_OPTION',
      option: 'jobs',
    });
  }
});
