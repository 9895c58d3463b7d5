// Text that stays readable: long names cut in the middle, time axes in one unit.

import { Chalk } from 'chalk';
import t from 'tap';
import { pipeline } from '../lib/model/model.js';
import { toPlan } from '../lib/plan/plan.js';
import { simulate } from '../lib/run/simulate.js';
import { MAX_NAME_COLUMN, shortName, tickLabel } from '../lib/util/format.js';
import { renderGantt } from '../lib/views/gantt.js';
import { renderList } from '../lib/views/plan.js';
import { summaryTable } from '../lib/views/summary.js';

t.test('a long name is cut in the middle, keeping the end that tells two apart', async (t) => {
  t.equal(shortName('short', 10), 'short');
  const a = shortName('platform-services:kubernetes-deploy-staging', 24);
  const b = shortName('platform-services:kubernetes-deploy-production', 24);
  t.equal(a.length, 24);
  t.not(a, b, 'two names that differ at the end stay different');
  t.equal(a, 'platform-se…ploy-staging');
});

t.test('time axis labels: one unit, no 5s beside 10.0s', async (t) => {
  t.same(
    [0, 5000, 10000, 15000].map((at) => tickLabel(at, 5000)),
    ['0', '5s', '10s', '15s'],
  );
  t.same(
    [500, 1000, 1500].map((at) => tickLabel(at, 500)),
    ['500ms', '1000ms', '1500ms'],
  );
  t.same(
    [2500, 5000].map((at) => tickLabel(at, 2500)),
    ['2.5s', '5s'],
  );
});

t.test('a 300-character task name does not make --list, the summary or the Gantt chart 300 columns wide', async (t) => {
  const long = `svc:${'x'.repeat(296)}`;
  const p = pipeline();
  p.task(long, { run: 'true' });
  p.task('b', { run: 'true' });
  const plan = toPlan(p, [long, 'b'], '/repo');
  const widest = (lines: string[]) => Math.max(...lines.map((line) => line.length));
  t.ok(widest(renderList(plan.pipeline)) < MAX_NAME_COLUMN + 40, '--list');
  const report = simulate(plan, {
    durations: new Map([
      [long, 1000],
      ['b', 500],
    ]),
  });
  t.ok(widest(summaryTable(report, new Chalk({ level: 0 }))) < MAX_NAME_COLUMN + 60, 'the summary');
  t.ok(widest(renderGantt(report, { width: 100 })) <= 120, 'the Gantt chart');
});
