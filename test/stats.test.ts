import t from 'tap';
import { parseJobsList } from '../cli/args.js';
import { UsageError } from '../lib/errors.js';
import { createPlan, validatePipeline } from '../lib/plan/plan.js';
import { isOwnRun } from '../lib/reports/history.js';
import type { RunReport } from '../lib/reports/run-report.js';
import { expectedDurations, median, percentile, taskStats } from '../lib/reports/stats.js';
import { compareRows } from '../lib/run/compare.js';
import { simulate } from '../lib/run/simulate.js';
import { seedPipeline } from './helpers/seed.js';

const seedDurations = { A: 1000, B: 1000, C: 1000, D: 1000, E: 1000, F: 1000 };

t.test('percentiles and medians', async (t) => {
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5), 5);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 10);
  t.equal(percentile([7], 0.95), 7);
  t.ok(Number.isNaN(percentile([], 0.5)));
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 2, 3]), 2.5);
});

t.test('expected durations: median of the last successful runs, newest first', async (t) => {
  const runs: RunReport[] = [];
  for (const [a, aStatus] of [
    [900, 'ok'],
    [100, 'ok'],
    [200, 'ok'],
    [5000, 'failed'],
    [300, 'ok'],
  ] as const) {
    const run = simulate(seedPipeline(), { jobs: 2, durations: { ...seedDurations, A: a } });
    run.tasks.find((task) => task.name === 'A')!.status = aStatus;
    runs.push(run);
  }
  t.equal(expectedDurations(runs).get('A'), 250, 'median of 300, 200, 100, 900 (the failed run left out)');
  t.equal(expectedDurations(runs, 3).get('A'), 200, 'only the last 3 successes: 100, 200, 300');
  t.notOk(expectedDurations(runs).has('deploy'), 'goals have no duration');
  const real = { ...runs[1]!, simulated: false };
  t.same(
    [runs[0]!, real].filter((run) => isOwnRun(run)),
    [real],
    'simulations are not history',
  );
});

t.test('task stats: runs, success rate, p50, p95, slowest first', async (t) => {
  const runs = [1, 2, 3, 4].map((i) =>
    simulate(seedPipeline(), { jobs: 2, durations: { ...seedDurations, D: 1000 * i }, exitCodes: i === 4 ? { B: 1 } : {} }),
  );
  const stats = taskStats(runs);
  t.equal(stats[0]!.name, 'D', 'D is the slowest');
  const b = stats.find((task) => task.name === 'B')!;
  t.equal(b.runs, 4);
  t.equal(b.successRate, 0.75);
  const d = stats.find((task) => task.name === 'D')!;
  t.equal(d.runs, 3, 'D never started in the run where B failed');
  t.equal(d.p50Ms, 2000);
  t.equal(d.p95Ms, 3000);
});

t.test('-j lists and ranges', async (t) => {
  t.same(parseJobsList('1,2,3'), [1, 2, 3]);
  t.same(parseJobsList('1..3'), [1, 2, 3]);
  t.same(parseJobsList('1..3, 8,2'), [1, 2, 3, 8]);
  for (const bad of ['0', '3..1', 'x', '', '1.5', '-2']) t.throws(() => parseJobsList(bad), UsageError, bad);
  t.throws(() => parseJobsList('0..2'), { message: /must go up from 1/ });
});

t.test('compare rows: speedup against the first N, efficiency, bound and gap', async (t) => {
  const plan = createPlan(validatePipeline(seedPipeline(), '/tmp'));
  const reports = [1, 2, 3].map((jobs) => simulate(plan, { jobs, durations: seedDurations }));
  const stages = [1, 2].map((jobs) => simulate(plan, { jobs, schedule: 'stages', durations: seedDurations }));
  const rows = compareRows(plan, [...reports, ...stages]);
  t.same(
    rows.map((row) => [row.jobs, row.schedule, row.makespanMs, row.speedup, row.lowerBoundMs]),
    [
      [1, 'dag', 6000, 1, 6000],
      [2, 'dag', 3000, 2, 3000],
      [3, 'dag', 3000, 2, 3000],
      [1, 'stages', 6000, 1, 6000],
      [2, 'stages', 4000, 1.5, 3000],
    ],
  );
  t.equal(rows[2]!.efficiency, 2 / 3);
  t.equal(rows[4]!.gap, 1 / 3, 'stages at -j2 is a third above the bound');
  t.ok(rows.every((row) => row.simulated));
});
