// How busy the machine was around each attempt: what history uses to tell uncontended
// durations from contended ones.
import t from 'tap';
import { pipeline } from '../lib/model/model.js';
import { markBusyAround } from '../lib/reports/busy-around.js';
import type { AttemptReport, TaskReport } from '../lib/reports/run-report.js';
import { DurationSamples } from '../lib/reports/stats.js';
import { simulate } from '../lib/run/simulate.js';

const attempt = (startMs: number, endMs: number, cpuMs: number | null): AttemptReport => ({
  number: 1,
  startMs,
  endMs,
  durationMs: endMs - startMs,
  outcome: 'exited',
  exitCode: 0,
  signal: null,
  slot: 1,
  cpuMs,
});
const task = (...attempts: AttemptReport[]) => ({ attempts }) as unknown as TaskReport;

t.test('each attempt gets the mean cores the others kept busy while it ran', async (t) => {
  const a = attempt(0, 1000, 1000); // one core, all along
  const b = attempt(500, 1500, 500); // half a core, overlapping a's second half
  const c = attempt(2000, 3000, 0); // alone, waiting
  const d = attempt(0, 3000, null); // a function task: not known
  markBusyAround([task(a), task(b), task(c), task(d)]);
  t.equal(a.busyAround, 0.25, 'b: half a core for half of a');
  t.equal(b.busyAround, 0.5, 'a: one core for half of b');
  t.equal(c.busyAround, 0);
  t.equal(d.busyAround, null);
});

t.test('a run records it; durations taken alone come before ones taken on a busy machine', async (t) => {
  const p = pipeline();
  for (const name of ['x', 'y', 'z']) p.task(name, { run: 'true' });
  p.task('all', { deps: ['x', 'y', 'z'] });
  p.default('all');
  const machine = { name: 'box', cores: 2 };
  const cpuShares = { x: 1, y: 1, z: 1 };
  const busy = simulate(p, { jobs: 3, durations: { x: 1000, y: 1000, z: 1000 }, cpuShares, machine });
  t.same(
    busy.tasks.filter((each) => each.command).map((each) => each.attempts[0]!.busyAround),
    [1.33, 1.33, 1.33],
    'three busy tasks sharing two cores: each had the other two around it, at two thirds of a core each',
  );
  const calm = simulate(p, { jobs: 1, durations: { x: 1200, y: 1000, z: 1000 }, cpuShares, machine });
  const samples = new DurationSamples();
  samples.add({ ...busy, simulated: false });
  samples.add({ ...calm, simulated: false });
  t.equal(samples.durations().get('x'), 1200, 'the run at -j1, not the contended one at -j3');
  const only = new DurationSamples();
  only.add({ ...busy, simulated: false });
  t.equal(only.durations().get('x'), 1500, 'with nothing better, the contended duration');
});
