// run() with the real executor, as a library caller uses it.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { InvalidOptionError } from '../lib/errors.js';
import { pipeline } from '../lib/model.js';
import { run } from '../lib/run.js';
import { simulate } from '../lib/simulate.js';

t.test('an already-aborted signal starts nothing: every task is cancelled', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'stagerun-run-'));
  const p = pipeline({ root });
  const a = p.task('a', { run: 'touch ran-a' });
  p.task('b', { run: 'touch ran-b', deps: [a] });
  p.task('fn', { run: () => void t.fail('the function task must not start') });
  const events: string[] = [];
  const report = await run(p, { targets: ['b', 'fn'], signal: AbortSignal.abort(), sinks: [(event) => events.push(event.type)] });
  t.equal(report.status, 'interrupted');
  t.same(
    report.tasks.map((task) => [task.name, task.status]),
    [
      ['a', 'cancelled'],
      ['b', 'cancelled'],
      ['fn', 'cancelled'],
    ],
  );
  t.notOk(events.includes('task-start'), 'no task-start event');
  t.notOk(existsSync(path.join(root, 'ran-a')));
});

t.test('run() and simulate() check their options the same way, naming the option', async (t) => {
  const p = pipeline({ root: tmpdir() });
  p.task('a', { run: 'true' });
  for (const jobs of [0, 1.5, Number.NaN]) {
    t.throws(() => simulate(p, { targets: ['a'], jobs }), {
      code: 'E_OPTION',
      option: 'jobs',
      message: /^option 'jobs' must be a whole number of at least 1/,
    });
    await t.rejects(run(p, { targets: ['a'], jobs }), { code: 'E_OPTION', option: 'jobs' });
  }
  t.throws(() => simulate(p, { targets: ['a'], schedule: 'fifo' as never }), InvalidOptionError);
  await t.rejects(run(p, { targets: ['a'], schedule: 'fifo' as never }), {
    message: /^option 'schedule' must be one of 'dag', 'stages' \(got "fifo"\)$/,
  });
});
