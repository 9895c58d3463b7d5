// The scheduler's collaborators, each on its own: the task table, the ready queue, the running
// attempts, the timers, the approvals and the stop rule.
import t from 'tap';
import type { RunningTask } from '../../lib/executors/executor.js';
import { pipeline } from '../../lib/model/model.js';
import { createPlan, validatePipeline } from '../../lib/plan/plan.js';
import { type ApprovalAnswer, Approvals } from '../../lib/schedule/approvals.js';
import { VirtualClock } from '../../lib/schedule/clock.js';
import { ReadyQueue } from '../../lib/schedule/ready-queue.js';
import { RunningAttempts } from '../../lib/schedule/running.js';
import { StopRule } from '../../lib/schedule/stop-rule.js';
import { TaskTable } from '../../lib/schedule/task-table.js';
import { TaskTimers } from '../../lib/schedule/timers.js';

function plan() {
  const p = pipeline();
  p.task('a', { run: 'true' });
  p.task('b', { run: 'true' });
  p.task('c', { run: 'true', deps: ['a', 'b'] });
  return createPlan(validatePipeline(p, '/repo'), ['c']);
}

t.test('task table: deps counted down, attempts and their times, stages settled', async (t) => {
  const table = new TaskTable(plan());
  t.notOk(table.dependencyDone(2), 'c still waits for one of its two deps');
  t.ok(table.dependencyDone(2), 'then for none');
  t.equal(table.firstStart(0), null, 'a task that never started has no start');
  t.equal(table.beginAttempt(0, 10, 1), 1);
  t.equal(table.beginAttempt(0, 25, 0), 2, 'attempts are numbered');
  t.equal(table.firstStart(0), 10, 'the first start stays');
  t.equal(table.attemptStart(0), 25);
  t.equal(table.slot(0), 0);
  t.equal(table.beginAttempt(1, 30, null), 1, 'a goal starts without a slot');
  t.equal(table.slot(1), -1);
  table.matchNoChange(0);
  t.ok(table.matchedNoChange(0));
  table.beginAttempt(0, 40, 0);
  t.notOk(table.matchedNoChange(0), 'each attempt is matched on its own');
  t.equal(table.approvalWait(0), null);
  table.setApprovalWait(0, 0);
  t.equal(table.approvalWait(0), 0, 'a wait of 0 ms is a wait');
  const record = { number: 1, startMs: 10, endMs: 20, outcome: 'exited' as const, exitCode: 1, signal: null, slot: 1, cpuMs: null };
  table.recordAttempt(0, record);
  t.same(table.attempts(0), [record]);
  t.same(table.lastAttempt(0), record);
  t.equal(table.lastAttempt(1), undefined);
  t.notOk(table.stageDone(0));
  table.settledIn(0);
  table.settledIn(0);
  t.ok(table.stageDone(0), 'stage 0 holds a and b');
});

t.test('ready queue: longest remaining path first, ties by declaration order; parking; slotless tasks last in first out', async (t) => {
  const queue = new ReadyQueue(Float64Array.from([5, 9, 5, 1]));
  for (const id of [3, 2, 0, 1]) queue.push(id);
  t.equal(queue.size, 4);
  t.same([queue.pop(), queue.pop(), queue.pop(), queue.pop(), queue.pop()], [1, 0, 2, 3, undefined]);
  queue.park(3, 'resource:db');
  queue.park(0, 'resource:db');
  queue.park(1, 'stage:1');
  t.same(queue.unpark('resource:db'), [0, 3], 'best first');
  t.same(queue.unpark('resource:db'), [], 'once');
  t.same(queue.unpark('nothing'), []);
  queue.pushInstant(2);
  queue.pushInstant(3);
  t.equal(queue.instantCount, 2);
  t.same([queue.popInstant(), queue.popInstant(), queue.popInstant()], [3, 2, undefined]);
});

t.test('running attempts: lowest free slot first, the first stop reason counts, ends free the slot', async (t) => {
  const running = new RunningAttempts();
  const stops: boolean[] = [];
  const handle: RunningTask = { stop: (force) => stops.push(force) };
  t.same([running.takeSlot(), running.takeSlot(), running.takeSlot()], [0, 1, 2]);
  running.starting(7);
  running.stop(7, { kind: 'aborted' }, false);
  t.same(stops, [], 'a task still starting has no handle to stop');
  running.started(7, handle);
  running.starting(8);
  running.started(8, handle);
  t.same(running.ids(), [7, 8]);
  t.ok(running.has(8));
  running.stop(8, { kind: 'timed-out', limitMs: 5 }, false);
  running.stop(8, { kind: 'aborted' }, true);
  t.same(stops, [false, true], 'every stop reaches the executor');
  t.same(running.ended(8, 1), { kind: 'timed-out', limitMs: 5 }, 'the first reason is the one that counts');
  t.same(running.ended(7, 0), { kind: 'aborted' }, 'a stop asked for while starting is kept');
  t.equal(running.size, 0);
  t.same([running.takeSlot(), running.takeSlot(), running.takeSlot()], [0, 1, 3], 'freed slots are reused, lowest first');
  running.stop(9, { kind: 'aborted' }, false);
  t.equal(running.ended(9, 3), undefined, 'a task that was not running was not stopped');
});

t.test('timers: one per task, cancelled by id, forgotten once fired', async (t) => {
  const clock = new VirtualClock();
  const timers = new TaskTimers(clock);
  const fired: string[] = [];
  timers.set(1, 10, () => fired.push('one'));
  timers.set(2, 5, () => fired.push('two'));
  timers.cancel(1);
  clock.runAll();
  t.same(fired, ['two']);
  timers.cancel(2);
  t.equal(clock.now(), 5);
});

t.test('approvals: answered once, in either form; withdrawn questions ignore late answers', async (t) => {
  const [task] = plan().tasks;
  const answers: ApprovalAnswer[] = [];
  const now = new Approvals({ request: () => ({ approved: true, by: '--yes' }) });
  now.ask(task!, 'go?', (answer) => answers.push(answer));
  t.same(answers, [{ approved: true, by: '--yes' }], 'a synchronous answer is taken at once');
  t.equal(now.size, 0);

  let resolve!: (answer: ApprovalAnswer) => void;
  let signal: { aborted: boolean } | undefined;
  const later = new Approvals({
    request: (_task, _question, given) => {
      signal = given;
      return new Promise((done) => (resolve = done));
    },
  });
  later.ask(task!, 'go?', (answer) => answers.push(answer));
  t.equal(later.size, 1);
  const withdrawn: number[] = [];
  later.withdrawAll((id) => withdrawn.push(id));
  t.same(withdrawn, [task!.id]);
  t.ok(signal?.aborted, 'the approver is told the answer is no longer needed');
  resolve({ approved: true, by: 'a person' });
  await Promise.resolve();
  t.equal(answers.length, 1, 'an answer after the withdrawal is ignored');

  const failing = new Approvals({ request: () => Promise.reject(new Error('no terminal')) });
  failing.ask(task!, 'go?', (answer) => answers.push(answer));
  await new Promise((done) => setImmediate(done));
  t.same(answers[1], { approved: false, reason: 'the question could not be asked: no terminal' });
});

t.test('stop rule: the cause, the reason in words, and the run status', async (t) => {
  const rule = new StopRule(90_000);
  t.notOk(rule.stopping);
  t.equal(rule.status(), 'ok');
  rule.settled('needs-approval');
  t.equal(rule.status(), 'needs-approval');
  rule.settled('failed');
  rule.failed('api:deploy');
  rule.failed('web:deploy');
  rule.begin('failure');
  t.ok(rule.stopping);
  t.notOk(rule.stopsRunning, 'after a failure, running tasks finish');
  t.equal(rule.reason(), 'the run stopped after api:deploy failed', 'the first failure is named');
  t.equal(rule.status(), 'failed');
  rule.begin('timeout');
  t.ok(rule.stopsRunning);
  t.equal(rule.reason(), "the run's time limit (1m30s) was reached");
  rule.begin('interrupt');
  t.equal(rule.reason(), 'the run was interrupted');
  t.equal(rule.status(), 'interrupted');
  t.notOk(rule.force);
  rule.forceFromNowOn(true);
  rule.forceFromNowOn(false);
  t.ok(rule.force, 'once forced, always forced');
  const timedOut = new StopRule(1000);
  timedOut.begin('timeout');
  t.equal(timedOut.status(), 'failed', 'a run stopped at its time limit failed');
});

t.test('the real clock honours a limit longer than setTimeout can wait (2^31 ms)', async (t) => {
  const { realClock } = await import('../../lib/schedule/clock.js');
  let fired = false;
  const cancel = realClock.setTimer(2 ** 31 + 5000, () => {
    fired = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  cancel();
  t.notOk(fired, 'a limit of 24.8 days and more does not fire at once');
  let soon = false;
  realClock.setTimer(1, () => {
    soon = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.ok(soon, 'a short one still fires');
});
