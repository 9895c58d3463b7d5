import t from 'tap';
import { parseJobsList } from '../cli/args.js';
import { UsageError } from '../lib/errors.js';
import { createPlan, validatePipeline } from '../lib/plan/plan.js';
import { isOwnRun } from '../lib/reports/history.js';
import type { RunReport } from '../lib/reports/run-report.js';
import { DurationSamples, expectedDurations, median, percentile, taskStats } from '../lib/reports/stats.js';
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

t.test('compare rows: the N to pick is the smallest within 3% of the best; cores kept busy', async (t) => {
  const plan = createPlan(validatePipeline(seedPipeline(), '/tmp'));
  const machine = { name: 'box', cores: 2 };
  const cpuShares = Object.fromEntries(Object.keys(seedDurations).map((name) => [name, 1]));
  const reports = [1, 2, 3].map((jobs) => simulate(plan, { jobs, durations: seedDurations, cpuShares, machine }));
  const rows = compareRows(plan, reports);
  t.same(
    rows.map((row) => [row.jobs, row.makespanMs, row.picked, row.coresBusy, row.cores]),
    [
      [1, 6000, false, 1, 2],
      [2, 3000, true, 2, 2],
      [3, 3500, false, 1.71, 2],
    ],
    '-j3 is slower than -j2: three busy tasks share two cores, and the critical one slows down',
  );
  const unknown = compareRows(
    plan,
    [1, 2].map((jobs) => simulate(plan, { jobs, durations: seedDurations })),
  );
  t.same(
    unknown.map((row) => row.coresBusy),
    [null, null],
    'simulated without CPU shares: their CPU time is not known (and they are taken to wait)',
  );
  const older = reports.map((report) => ({
    ...report,
    machine: undefined,
    tasks: report.tasks.map((task) => ({ ...task, attempts: task.attempts.map(({ cpuMs: _, ...attempt }) => attempt) })),
  }));
  t.same(
    compareRows(plan, older).map((row) => [row.coresBusy, row.cores]),
    [
      [null, null],
      [null, null],
      [null, null],
    ],
    'older records, without CPU time or machine: not known',
  );
});

t.test('without how busy the machine was around them, runs at -j no greater than the cores are preferred', async (t) => {
  const plan = createPlan(validatePipeline(seedPipeline(), '/tmp'));
  const at = (jobs: number, a: number, cpuShare: number): RunReport => {
    const report = simulate(plan, {
      jobs,
      durations: { ...seedDurations, A: a },
      cpuShares: { A: cpuShare },
      machine: { name: 'box', cores: 2 },
    });
    return {
      ...report,
      simulated: false,
      tasks: report.tasks.map((task) => ({ ...task, attempts: task.attempts.map(({ busyAround: _, ...rest }) => rest) })),
    };
  };
  // Newest first: two contended runs, then two uncontended ones.
  const samples = new DurationSamples();
  for (const run of [at(4, 3000, 0.5), at(3, 2800, 0.5), at(2, 1000, 1), at(1, 1200, 0.9)]) samples.add(run);
  t.equal(samples.durations().get('A'), 1100, 'the -j1 and -j2 runs only');
  t.equal(samples.cpuShares().get('A'), 0.95);

  const contendedOnly = new DurationSamples();
  contendedOnly.add(at(4, 3000, 0.5));
  t.equal(contendedOnly.durations().get('A'), 3000, 'a task only recorded at a high -j keeps those durations');

  const older = new DurationSamples();
  const run = at(4, 1500, 1);
  older.add({ ...run, machine: undefined });
  older.add(at(1, 900, 1));
  t.equal(older.durations().get('A'), 900, 'an uncontended run comes before an older record (no machine), which does not say');
  t.equal(new DurationSamples().cpuShares().size, 0);
});
