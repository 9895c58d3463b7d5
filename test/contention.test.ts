// The simulator's CPU model: processor sharing on the machine's cores (core-sharing.ts),
// through simulate() and the same scheduler as every run.
import t from 'tap';
import { CoreSharing, shareRate } from '../lib/executors/core-sharing.js';
import { pipeline } from '../lib/model/model.js';
import { simulate } from '../lib/run/simulate.js';
import { VirtualClock } from '../lib/schedule/clock.js';

const twoCores = { name: 'test-box', cores: 2 };

function independent(count: number) {
  const p = pipeline();
  for (let i = 0; i < count; i++) p.task(`t${i}`, { run: 'true' });
  p.task('all', { deps: Array.from({ length: count }, (_, i) => `t${i}`) });
  p.default('all');
  return p;
}

const ends = (report: ReturnType<typeof simulate>) =>
  Object.fromEntries(report.tasks.filter((task) => task.command).map((task) => [task.name, task.endMs]));

t.test('shareRate: full speed until the cores are oversubscribed, then the CPU part stretches', async (t) => {
  t.equal(shareRate(1, 2, 2), 1, 'two busy tasks on two cores');
  t.equal(shareRate(1, 4, 2), 0.5, 'four busy tasks on two cores: half speed');
  t.equal(shareRate(0, 4, 2), 1, 'a waiting task does not slow down');
  t.equal(shareRate(0.5, 4, 2), 1 / (0.5 + 0.5 * 2), 'half waiting, half computing: only the half computing stretches');
  t.equal(shareRate(2, 4, 2), 0.5, 'a task on two threads has no waiting part');
});

t.test('CoreSharing: progress is kept when the set of running work changes', async (t) => {
  const clock = new VirtualClock();
  const sharing = new CoreSharing(clock, 1);
  const done: [string, number][] = [];
  sharing.start(100, 1, () => done.push(['a', clock.now()]));
  clock.setTimer(50, () => sharing.start(100, 1, () => done.push(['b', clock.now()])));
  clock.runAll();
  // a: 50 ms alone, then 50 ms of work at half speed (100 ms) → ends at 150; b: 50 done by then, the rest alone.
  t.same(done, [
    ['a', 150],
    ['b', 200],
  ]);
  t.equal(sharing.demand, 0);
});

t.test('CoreSharing: cancelled work frees its cores', async (t) => {
  const clock = new VirtualClock();
  const sharing = new CoreSharing(clock, 1);
  const done: number[] = [];
  const cancel = sharing.start(1000, 1, () => done.push(-1));
  sharing.start(100, 1, () => done.push(clock.now()));
  clock.setTimer(20, cancel);
  clock.runAll();
  // b: 20 ms at half speed (10 ms of work), then the remaining 90 alone.
  t.same(done, [110]);
});

t.test('simulate: CPU-bound tasks beyond the cores take longer; waiting ones do not', async (t) => {
  const durations = { t0: 1000, t1: 1000, t2: 1000, t3: 1000 };
  const busy = simulate(independent(4), { jobs: 4, durations, cpuShares: { t0: 1, t1: 1, t2: 1, t3: 1 }, machine: twoCores });
  t.equal(busy.makespanMs, 2000, 'four cores of work on two cores: twice as long');
  t.same(ends(busy), { t0: 2000, t1: 2000, t2: 2000, t3: 2000 });
  t.same(busy.machine, twoCores, 'the report names the machine predicted for');
  t.equal(busy.tasks[0]!.attempts[0]!.cpuMs, 1000, 'a simulated attempt uses its share of its uncontended time');

  const sleeping = simulate(independent(4), { jobs: 4, durations, cpuShares: {}, machine: twoCores });
  t.equal(sleeping.makespanMs, 1000, 'tasks that wait do not contend');

  const mixed = simulate(independent(4), { jobs: 4, durations, cpuShares: { t0: 1, t1: 1, t2: 1 }, machine: twoCores });
  t.equal(mixed.makespanMs, 1500, 'three busy tasks on two cores: 1.5 × as long');
  t.equal(ends(mixed).t3, 1000);
});

t.test('simulate: at -j no greater than the cores, the model changes nothing', async (t) => {
  const durations = { t0: 300, t1: 500, t2: 700, t3: 200 };
  const cpuShares = { t0: 1, t1: 1, t2: 1, t3: 1 };
  const plain = simulate(independent(4), { jobs: 2, durations });
  const modelled = simulate(independent(4), { jobs: 2, durations, cpuShares, machine: twoCores });
  t.same(ends(modelled), ends(plain));
  t.equal(modelled.makespanMs, plain.makespanMs);
});

t.test('simulate: without CPU shares, durations replay as recorded at any -j (the sleep model)', async (t) => {
  const durations = { t0: 1000, t1: 1000, t2: 1000, t3: 1000 };
  t.equal(simulate(independent(4), { jobs: 4, durations, machine: { name: 'x', cores: 1 } }).makespanMs, 1000);
});

t.test('simulate: a machine with no cores is refused, naming the value', async (t) => {
  t.throws(() => simulate(independent(1), { machine: { name: 'x', cores: 0 } }), { code: 'E_OPTION', option: 'machine.cores' });
});
