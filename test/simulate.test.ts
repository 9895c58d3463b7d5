// Sanity laws of the simulator (and so of the scheduler) on random DAGs.
import t from 'tap';
import { type Pipeline, pipeline } from '../lib/model/model.js';
import { bounds, createPlan, type Plan, validatePipeline } from '../lib/plan/plan.js';
import { simulate } from '../lib/run/simulate.js';
import { seedPipeline } from './helpers/seed.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDag(seed: number): { pipeline: Pipeline; durations: Record<string, number> } {
  const next = random(seed);
  const p = pipeline();
  const count = 5 + Math.floor(next() * 40);
  const durations: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const deps: string[] = [];
    for (let j = 0; j < i; j++) if (next() < 3 / (i + 1)) deps.push(`t${j}`);
    p.task(`t${i}`, { run: 'true', deps });
    durations[`t${i}`] = 1 + Math.floor(next() * 100);
  }
  p.task('all', { deps: Array.from({ length: count }, (_, i) => `t${i}`) });
  return { pipeline: p, durations };
}

function weightsOf(plan: Plan, durations: Record<string, number>): Float64Array {
  return Float64Array.from(plan.tasks, (task) => (task.run === undefined ? 0 : durations[task.name]!));
}

t.test('laws on 200 random DAGs', async (t) => {
  let checked = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const { pipeline: p, durations } = randomDag(seed);
    const plan = createPlan(validatePipeline(p, '/tmp'), ['all']);
    const commands = plan.tasks.filter((task) => task.run !== undefined).length;
    const weights = weightsOf(plan, durations);
    const one = simulate(plan, { jobs: 1, durations });
    const { totalWorkMs, criticalPathMs } = bounds(plan, weights, 1);
    if (one.makespanMs !== totalWorkMs) t.fail(`seed ${seed}: at -j1 ${one.makespanMs} != total work ${totalWorkMs}`);
    const wide = simulate(plan, { jobs: commands, durations });
    if (wide.makespanMs !== criticalPathMs) t.fail(`seed ${seed}: at -j${commands} ${wide.makespanMs} != critical path ${criticalPathMs}`);
    for (const jobs of [2, 3, 4, 8]) {
      for (const schedule of ['dag', 'stages'] as const) {
        const report = simulate(plan, { jobs, durations, schedule });
        const { lowerBoundMs } = bounds(plan, weights, jobs);
        if (report.makespanMs < lowerBoundMs - 1e-6)
          t.fail(`seed ${seed} ${schedule} -j${jobs}: ${report.makespanMs} beats the bound ${lowerBoundMs}`);
        if (report.makespanMs > totalWorkMs) t.fail(`seed ${seed} ${schedule} -j${jobs}: slower than serial`);
        const most = Math.max(...report.tasks.map((task) => task.slot ?? -1));
        if (most >= jobs) t.fail(`seed ${seed}: slot ${most} at -j${jobs}`);
        checked++;
      }
    }
  }
  t.equal(checked, 200 * 8, 'every case checked');
});

t.test('stages is never faster than dag on the seed graph with uneven durations', async (t) => {
  const durations = { A: 300, B: 1000, C: 200, D: 500, E: 900, F: 1200 };
  for (const jobs of [1, 2, 3, 4]) {
    const dag = simulate(seedPipeline(), { jobs, durations });
    const stages = simulate(seedPipeline(), { jobs, durations, schedule: 'stages' });
    t.ok(dag.makespanMs <= stages.makespanMs, `-j${jobs}: dag ${dag.makespanMs} ≤ stages ${stages.makespanMs}`);
  }
});

t.test('unknown durations take the median of the known ones, or 1 s', async (t) => {
  const some = simulate(seedPipeline(), { jobs: 1, durations: { A: 100, B: 300, D: 200 } });
  t.equal(some.makespanMs, 100 + 300 + 200 + 3 * 200);
  t.equal(simulate(seedPipeline(), { jobs: 1 }).makespanMs, 6000);
  t.equal(simulate(seedPipeline(), { jobs: 1, defaultDurationMs: 10 }).makespanMs, 60);
  t.equal(simulate(seedPipeline(), { jobs: 1 }).simulated, true);
});

t.test('simulated failures', async (t) => {
  const report = simulate(seedPipeline(), { jobs: 2, exitCodes: { D: 2 }, keepGoing: true });
  t.same(
    report.tasks.filter((task) => task.status !== 'ok').map((task) => [task.name, task.status]),
    [
      ['D', 'failed'],
      ['C', 'skipped'],
      ['E', 'skipped'],
      ['deploy', 'skipped'],
    ],
  );
});
