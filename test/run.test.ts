// run() with the real executor, as a library caller uses it.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { InvalidOptionError } from '../lib/errors.js';
import { pipeline } from '../lib/model/model.js';
import { historyFile, readHistory } from '../lib/reports/history.js';
import type { RunReport } from '../lib/reports/run-report.js';
import { run } from '../lib/run/run.js';
import { simulate } from '../lib/run/simulate.js';

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
  t.throws(() => simulate(p, { targets: ['a'], timeoutMs: 0 }), { option: 'timeoutMs', message: /must be more than 0/ }, 'a 0 limit');
});

t.test('run({ upToDate }): a task whose inputs did not change is skipped, as on the command line', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'stagerun-run-'));
  writeFileSync(path.join(root, 'app.txt'), 'v1');
  const p = pipeline({ root });
  p.task('build', { run: 'echo built >> builds.log', inputs: ['app.txt'] });
  p.task('deploy', { run: 'echo deployed', deps: ['build'] });
  const statuses = (report: RunReport) => report.tasks.map((task) => [task.name, task.status]);
  const builds = () => readFileSync(path.join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;
  t.same(
    statuses(await run(p, { targets: ['deploy'], upToDate: true })),
    [
      ['build', 'ok'],
      ['deploy', 'ok'],
    ],
    'first run: no keys yet',
  );
  t.same(statuses(await run(p, { targets: ['deploy'], upToDate: true })), [
    ['build', 'up-to-date'],
    ['deploy', 'ok'],
  ]);
  t.equal(builds(), 1, 'its command ran once');
  t.same(
    statuses(await run(p, { targets: ['deploy'] })),
    [
      ['build', 'ok'],
      ['deploy', 'ok'],
    ],
    'without upToDate every task runs',
  );
  t.same(
    statuses(await run(p, { targets: ['deploy'], upToDate: { force: true } })),
    [
      ['build', 'ok'],
      ['deploy', 'ok'],
    ],
    'forced',
  );
  writeFileSync(path.join(root, 'app.txt'), 'v2');
  t.same(
    statuses(await run(p, { targets: ['deploy'], upToDate: true })),
    [
      ['build', 'ok'],
      ['deploy', 'ok'],
    ],
    'an input changed',
  );
  t.equal(builds(), 4);
  const aborted = await run(p, { targets: ['deploy'], upToDate: true, signal: AbortSignal.abort() });
  t.same(
    statuses(aborted),
    [
      ['build', 'cancelled'],
      ['deploy', 'cancelled'],
    ],
    'an aborted signal: no hashing, nothing starts',
  );
});

t.test('run({ print, history }): prints what the CLI prints and records the run, as the CLI does', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'stagerun-run-'));
  const p = pipeline({ root });
  p.task('hello', { run: 'echo hello from the task' });
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  let report: RunReport;
  try {
    report = await run(p, { targets: ['hello'], jobs: 1, print: true, history: true });
  } finally {
    process.stdout.write = write;
  }
  const printed = written.join('');
  t.match(printed, /^hello │ hello from the task$/m);
  t.match(printed, /✓ hello \(-j1, dag\): 1 ok; makespan/);
  const recorded = readHistory(historyFile(path.join(root, 'deployfile.ts')));
  t.same(
    recorded.map((run) => run.id),
    [report.id],
  );
  const quiet = await run(p, { targets: ['hello'], jobs: 1 });
  t.equal(readHistory(historyFile(path.join(root, 'deployfile.ts'))).length, 1, 'without history: true nothing is recorded');
  t.equal(quiet.status, 'ok');
});
