// The ways a task ends besides ok/failed, on the fake executor and virtual clock: exact
// start times, slots held or not, statuses and attempts.
import t from 'tap';
import type { RunEvent } from '../lib/events/events.js';
import { pipeline } from '../lib/model/model.js';
import { simulate } from '../lib/run/simulate.js';
import type { Approver } from '../lib/schedule/scheduler.js';
import { fakeRun, statuses } from './helpers/fake.js';

const spans = (events: RunEvent[]) => {
  const open = new Map<string, number>();
  const out: Record<string, [number, number][]> = {};
  for (const event of events) {
    if (event.type === 'task-start' && event.task.run !== undefined) open.set(event.task.name, event.at);
    if ((event.type === 'task-retry' || event.type === 'task-end') && open.has(event.task.name)) {
      out[event.task.name] = [...(out[event.task.name] ?? []), [open.get(event.task.name)!, event.at]];
      open.delete(event.task.name);
    }
  }
  return out;
};

t.test('resources: two tasks that use a resource of 1 never overlap; a blocked task does not block others', async (t) => {
  const p = pipeline({ resources: { 'prod-db': 1 } });
  p.task('migrate_a', { run: 'true', uses: ['prod-db'] });
  p.task('migrate_b', { run: 'true', uses: ['prod-db'] });
  p.task('build', { run: 'true' });
  const { startTimes, report, maxRunning } = fakeRun(p, {
    jobs: 3,
    targets: ['migrate_a', 'migrate_b', 'build'],
    durations: { migrate_a: 30, migrate_b: 30, build: 10 },
    history: { migrate_a: 30, migrate_b: 30, build: 10 },
  });
  t.same(startTimes, { migrate_a: 0, build: 0, migrate_b: 30 }, 'migrate_b waits for the database; build does not wait for migrate_b');
  t.equal(report.makespanMs, 60);
  t.equal(maxRunning, 2);
});

t.test('resources: capacity 2 lets two in at once, on top of -j', async (t) => {
  const p = pipeline({ resources: { staging: 2 } });
  for (const name of ['d1', 'd2', 'd3', 'd4']) p.task(name, { run: 'true', uses: ['staging'] });
  p.task('x', { run: 'true' });
  const { startTimes } = fakeRun(p, {
    jobs: 4,
    targets: ['d1', 'd2', 'd3', 'd4', 'x'],
    durations: { d1: 10, d2: 10, d3: 10, d4: 10, x: 25 },
  });
  t.same(startTimes, { d1: 0, d2: 0, x: 0, d3: 10, d4: 10 });
});

t.test('a parked task goes before lower-priority tasks once its resource frees', async (t) => {
  const p = pipeline({ resources: { db: 1 } });
  const m1 = p.task('m1', { run: 'true', uses: ['db'] });
  const m2 = p.task('m2', { run: 'true', uses: ['db'] });
  p.task('after_m2', { run: 'true', deps: [m2] });
  p.task('filler', { run: 'true', deps: [m1] });
  // One slot: m2 has the longer chain, so once m1 releases the db, m2 (parked) beats filler.
  const { starts } = fakeRun(p, { jobs: 1, targets: ['after_m2', 'filler'], history: { m1: 10, m2: 10, after_m2: 50, filler: 10 } });
  t.same(starts, ['m2', 'after_m2', 'm1', 'filler']);
});

t.test('retries: each attempt recorded; the delay holds no slot; backoff multiplies it', async (t) => {
  const p = pipeline();
  p.task('smoke', { run: 'true', retries: 2, retryDelay: '20ms', retryBackoff: 2 });
  p.task('other', { run: 'true' });
  const { report, events } = fakeRun(p, {
    jobs: 1,
    targets: ['smoke', 'other'],
    durations: { smoke: 10, other: 15 },
    history: { smoke: 100, other: 1 },
    attempt: ({ task, number }) => (task.name === 'smoke' && number < 3 ? { exitCode: 1 } : undefined),
  });
  t.same(
    spans(events),
    {
      smoke: [
        [0, 10],
        [30, 40],
        [80, 90],
      ],
      other: [[10, 25]],
    },
    'other runs in the slot smoke leaves while it waits 20 ms, then 40 ms',
  );
  const smoke = report.tasks.find((task) => task.name === 'smoke')!;
  t.equal(smoke.status, 'ok');
  t.equal(smoke.flaky, true, 'ok after a failed attempt: flaky');
  t.same(
    smoke.attempts.map((attempt) => [attempt.number, attempt.startMs, attempt.durationMs, attempt.outcome, attempt.exitCode]),
    [
      [1, 0, 10, 'exited', 1],
      [2, 30, 10, 'exited', 1],
      [3, 80, 10, 'exited', 0],
    ],
  );
  t.equal(smoke.startMs, 0);
  t.equal(smoke.durationMs, 90, 'from the first start to the last end');
});

t.test('retries run out: failed, with every attempt and the count in the reason', async (t) => {
  const p = pipeline();
  p.task('flaky', { run: 'true', retries: 1 });
  p.task('after', { run: 'true', deps: ['flaky'] });
  const { report } = fakeRun(p, { targets: ['after'], exitCodes: { flaky: 3 } });
  const flaky = report.tasks.find((task) => task.name === 'flaky')!;
  t.equal(flaky.status, 'failed');
  t.equal(flaky.attempts.length, 2);
  t.equal(flaky.reason, 'exit code 3 (attempt 2 of 2)');
  t.equal(statuses(report).after, 'skipped');
});

t.test('a command that cannot start is not retried', async (t) => {
  const p = pipeline();
  p.task('missing', { run: 'true', retries: 3 });
  const { report } = fakeRun(p, { targets: ['missing'], attempt: () => ({ durationMs: 0 }) });
  t.equal(report.tasks[0]!.status, 'ok');
});

t.test('time-outs: the attempt is stopped at its limit; status timeout, with limit and time run', async (t) => {
  const p = pipeline();
  p.task('deploy', { run: 'true', timeout: '50ms' });
  p.task('after', { run: 'true', deps: ['deploy'] });
  const { report, events } = fakeRun(p, { targets: ['after'], durations: { deploy: 500 } });
  const deploy = report.tasks.find((task) => task.name === 'deploy')!;
  t.equal(deploy.status, 'timeout');
  t.equal(deploy.reason, 'timed out after 50ms (limit 50ms)');
  t.equal(deploy.attempts[0]!.outcome, 'timed-out');
  t.equal(report.makespanMs, 50, 'stopped at the limit, not after 500 ms');
  t.equal(statuses(report).after, 'skipped');
  t.match(
    events.find((event) => event.type === 'task-end' && event.task.name === 'after'),
    { reason: 'needs deploy, which timed out' },
  );
});

t.test('a time-out counts as a failed attempt: retried, and the retry may succeed', async (t) => {
  const p = pipeline();
  p.task('deploy', { run: 'true', timeout: 100, retries: 1 });
  const { report } = fakeRun(p, { targets: ['deploy'], attempt: ({ number }) => ({ durationMs: number === 1 ? 1000 : 40 }) });
  const deploy = report.tasks[0]!;
  t.equal(deploy.status, 'ok');
  t.same(
    deploy.attempts.map((attempt) => [attempt.outcome, attempt.durationMs]),
    [
      ['timed-out', 100],
      ['exited', 40],
    ],
  );
  t.equal(deploy.flaky, true);
});

t.test("the run's own time limit: running tasks time out, the rest are cancelled", async (t) => {
  const p = pipeline();
  const a = p.task('a', { run: 'true' });
  p.task('b', { run: 'true', deps: [a] });
  p.task('c', { run: 'true' });
  const { report } = fakeRun(p, { jobs: 2, targets: ['b', 'c'], durations: { a: 100, b: 100, c: 30 }, timeoutMs: 150 });
  t.same(statuses(report), { a: 'ok', b: 'timeout', c: 'ok' });
  t.equal(report.tasks.find((task) => task.name === 'b')!.reason, "stopped at the run's time limit (150ms)");
  t.equal(report.status, 'failed');
  t.equal(report.makespanMs, 150);
  const limited = fakeRun(p, { jobs: 1, targets: ['b', 'c'], durations: { a: 100, b: 100, c: 30 }, timeoutMs: 50 });
  t.same(statuses(limited.report), { a: 'timeout', b: 'skipped', c: 'cancelled' }, 'b needed a, which timed out; c never started');
});

t.test('accepted outcomes: okExitCodes and a noChange pattern end no-change, a success', async (t) => {
  const p = pipeline();
  p.task('cfn', { run: 'true', okExitCodes: [0, 255] });
  p.task('quiet', { run: 'true', noChange: /No changes to deploy/ });
  p.task('pattern255', { run: 'true', noChange: 'No changes to deploy' });
  p.task('real', { run: 'true', okExitCodes: [0, 255] });
  p.task('after', { run: 'true', deps: ['cfn', 'quiet', 'pattern255', 'real'] });
  const { report } = fakeRun(p, {
    targets: ['after'],
    exitCodes: { cfn: 255, pattern255: 255, real: 0 },
    attempt: ({ task }) =>
      task.name === 'quiet' || task.name === 'pattern255' ? { output: ['No changes to deploy. Stack x is up to date'] } : undefined,
  });
  t.same(statuses(report), { cfn: 'no-change', quiet: 'no-change', pattern255: 'no-change', real: 'ok', after: 'ok' });
  t.equal(report.tasks[0]!.reason, 'exit code 255 (one of okExitCodes)');
  t.equal(report.tasks[1]!.reason, 'output matched /No changes to deploy/');
  t.equal(report.status, 'ok');
  const failing = fakeRun(p, { targets: ['cfn'], exitCodes: { cfn: 1 } });
  t.equal(failing.report.tasks[0]!.status, 'failed', 'a code not listed still fails');
});

const approving = (answers: Record<string, boolean | 'later'>, log: string[] = []): Approver => ({
  request(task, question) {
    log.push(`${task.name}: ${question}`);
    const answer = answers[task.name];
    if (answer === 'later') return new Promise((resolve) => setTimeout(() => resolve({ approved: true, by: 'a person' }), 5));
    return answer ? { approved: true, by: 'test' } : { approved: false, reason: 'declined in the test' };
  },
});

t.test('approval: an approved gate runs; one not approved ends needs-approval and skips its dependents', async (t) => {
  const p = pipeline();
  p.task('build', { run: 'true' });
  p.task('staging', { run: 'true', deps: ['build'], approval: 'Deploy to staging?' });
  p.task('prod', { run: 'true', deps: ['build'], approval: 'Deploy to production?' });
  p.task('announce', { run: 'true', deps: ['prod'] });
  p.task('unrelated', { run: 'true' });
  const asked: string[] = [];
  const { report } = fakeRun(p, {
    jobs: 2,
    targets: ['staging', 'announce', 'unrelated'],
    approver: approving({ staging: true, prod: false }, asked),
  });
  t.same(asked, ['staging: Deploy to staging?', 'prod: Deploy to production?']);
  t.same(statuses(report), { build: 'ok', staging: 'ok', prod: 'needs-approval', announce: 'skipped', unrelated: 'ok' });
  t.equal(report.tasks.find((task) => task.name === 'prod')!.reason, 'declined in the test');
  t.equal(report.tasks.find((task) => task.name === 'announce')!.reason, 'needs prod, which was not approved');
  t.equal(report.status, 'needs-approval', 'nothing failed, a gate was not passed');
});

t.test('approval: without an approver a gate ends needs-approval; in simulation gates are approved', async (t) => {
  const p = pipeline();
  p.task('prod', { run: 'true', approval: true });
  t.same(statuses(fakeRun(p, { targets: ['prod'] }).report), { prod: 'needs-approval' });
  t.same(statuses(simulate(p, { targets: ['prod'] })), { prod: 'ok' });
});

t.test('approval: while a person decides, other tasks keep running and the gate holds no slot; the wait is reported apart', async (t) => {
  const p = pipeline();
  p.task('prod', { run: 'true', approval: 'Go?' });
  p.task('other', { run: 'true' });
  let answer!: (approved: boolean) => void;
  const approver: Approver = {
    request: () =>
      new Promise(
        (resolve) => (answer = (approved) => resolve(approved ? { approved: true, by: 'me' } : { approved: false, reason: 'no' })),
      ),
  };
  const { VirtualClock } = await import('../lib/schedule/clock.js');
  const { execute } = await import('../lib/run/execute.js');
  const { SimulatedExecutor } = await import('../lib/run/simulate.js');
  const { toPlan } = await import('../lib/plan/plan.js');
  const clock = new VirtualClock();
  const plan = toPlan(p, ['prod', 'other'], '/tmp');
  const events: RunEvent[] = [];
  const execution = execute(
    plan,
    { jobs: 1, approver, simulated: true, sinks: [(event) => events.push(event)] },
    new SimulatedExecutor(clock, () => ({ durationMs: 10 })),
    clock,
  );
  clock.runAll();
  t.same(
    events.filter((event) => event.type === 'task-start').map((event) => (event as { task: { name: string } }).task.name),
    ['other'],
    'other ran in the one slot while prod waited',
  );
  clock.setTimer(1000 - clock.now(), () => answer(true));
  clock.runAll();
  await new Promise((resolve) => setImmediate(resolve));
  clock.runAll();
  const report = await execution.handle.done.then(() => execution.report());
  const prod = report.tasks.find((task) => task.name === 'prod')!;
  t.equal(prod.status, 'ok');
  t.equal(prod.approvalWaitMs, 1000);
  t.equal(prod.durationMs, 10, "the wait is not the task's duration");
});

t.test('interrupt: a question still open is withdrawn, a task waiting to retry is interrupted', async (t) => {
  const p = pipeline();
  p.task('gate', { run: 'true', approval: true });
  p.task('flaky', { run: 'true', retries: 3, retryDelay: 1000 });
  const never: Approver = { request: () => new Promise(() => {}) };
  const { report } = fakeRun(p, { jobs: 2, targets: ['gate', 'flaky'], exitCodes: { flaky: 1 }, approver: never, stopAt: 500 });
  t.same(statuses(report), { gate: 'cancelled', flaky: 'interrupted' });
  t.equal(report.status, 'interrupted');
  t.equal(report.makespanMs, 500, 'the run ends at the interrupt, not after the retry delay');
});

t.test('a failure elsewhere (no -k): a pending retry is not made', async (t) => {
  const p = pipeline();
  p.task('flaky', { run: 'true', retries: 3, retryDelay: 1000 });
  p.task('bad', { run: 'true' });
  const { report } = fakeRun(p, { jobs: 2, targets: ['flaky', 'bad'], exitCodes: { flaky: 1, bad: 2 }, durations: { flaky: 10, bad: 20 } });
  t.same(statuses(report), { flaky: 'failed', bad: 'failed' });
  t.match(report.tasks[0]!.reason, /attempt 1 did not succeed and the run stopped after bad failed, so no retry was made/);
  t.equal(report.makespanMs, 20);
});

t.test('simulation honours resources, time-out caps and recorded attempt counts', async (t) => {
  const p = pipeline({ resources: { db: 1 } });
  p.task('m1', { run: 'true', uses: ['db'] });
  p.task('m2', { run: 'true', uses: ['db'] });
  p.task('slow', { run: 'true', timeout: '2s' });
  p.task('smoke', { run: 'true', retries: 2, retryDelay: '1s' });
  const report = simulate(p, {
    jobs: 4,
    keepGoing: true,
    targets: ['m1', 'm2', 'slow', 'smoke'],
    durations: { m1: 3000, m2: 3000, slow: 10_000, smoke: 500 },
    attempts: { smoke: 2 },
  });
  const byName = Object.fromEntries(report.tasks.map((task) => [task.name, task]));
  t.equal(byName.m2!.startMs, 3000, 'the db mutex is respected');
  t.equal(byName.slow!.status, 'timeout');
  t.equal(byName.slow!.durationMs, 2000, 'capped at its time limit');
  t.same(
    byName.smoke!.attempts.map((attempt) => [attempt.startMs, attempt.endMs]),
    [
      [0, 500],
      [1500, 2000],
    ],
    'two attempts with the retry delay between',
  );
  t.equal(report.makespanMs, 6000);
});
