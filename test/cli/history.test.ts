// History through the CLI (in-process): history, report and compare read it; damage is a warning.

import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import type { Trace } from '../../lib/views/trace.js';
import { readJson, runMain, tempProject } from '../helpers/cli.js';
import { deployfile, historyOf, read } from '../helpers/history-project.js';

t.test('every run is recorded; --no-history is not', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const report = path.join(dir, 'r.json');
  t.equal((await runMain(['-j2', '--report', report], { cwd: dir })).code, 0);
  t.equal((await runMain(['-j1'], { cwd: dir })).code, 0);
  t.equal((await runMain(['-j2', '--no-history'], { cwd: dir })).code, 0);
  const { runs, warnings } = read(dir);
  t.same(warnings, []);
  t.same(
    runs.map((run) => run.jobs),
    [2, 1],
  );
  t.equal(runs[0]!.id, readJson<RunReport>(report).id, 'history and --report carry the same run id');
});

t.test('a torn line (a writer killed mid-append) is skipped with a warning, and history goes on', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  await runMain(['-j2'], { cwd: dir });
  appendFileSync(historyOf(dir), '{"schemaVersion":1,"id":"torn","makespanMs":12');
  const result = await runMain(['-j2'], { cwd: dir });
  t.equal(result.code, 0);
  t.match(result.stderr, /^stagerun: warning: \.stagerun\/history\.jsonl:2: damaged line skipped \(.*JSON.*\)$/m);
  const history = await runMain(['history'], { cwd: dir });
  t.equal(history.code, 0);
  t.match(history.stderr, /history\.jsonl:2: damaged line skipped/);
  t.match(history.stdout, /^last 2 of 2 runs \(newest first\)/);
  t.equal(read(dir).runs.length, 2);
});

t.test('history lists runs and per-task p50/p95/success; report shows a run', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  for (const jobs of [1, 2, 3]) await runMain([`-j${jobs}`], { cwd: dir });
  await runMain(['lint'], { cwd: dir });
  const history = await runMain(['history'], { cwd: dir });
  t.match(history.stdout, /^when +id +targets +N +schedule +makespan +status$/m);
  t.match(history.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\S+ +lint +\d+ +dag +\d+ms +ok$/m);
  t.match(history.stdout, /^task +runs +ok +flaky +p50 +p95 +max$/m);
  t.match(history.stdout, /^test +3 +100% +0% +3\d\dms +[34]\d\dms +[34]\d\dms$/m, 'test is the slowest');
  const limited = await runMain(['history', '--limit', '2'], { cwd: dir });
  t.match(limited.stdout, /^last 2 of 4 runs/m);
  t.match(
    limited.stdout,
    /^tasks over all 4 recorded runs \(the last 2 are listed above\), slowest \(p50\) first:$/m,
    'it says which runs the figures cover',
  );
  const onlyCi = await runMain(['history', 'ci', '--format', 'json'], { cwd: dir });
  const data = JSON.parse(onlyCi.stdout) as { runs: RunReport[]; tasks: { name: string; successRate: number }[] };
  t.equal(data.runs.length, 3, 'only the runs of ci');
  t.same(
    data.runs.map((run) => run.jobs),
    [3, 2, 1],
    'newest first',
  );

  const mermaid = await runMain(['report', '--format', 'mermaid'], { cwd: dir });
  t.match(mermaid.stdout, /^```mermaid\ngantt\n {4}title lint at -j\d+ \(dag\)/);
  const runs = read(dir).runs;
  const first = runs[0]!;
  const byId = await runMain(['report', '--run', first.id.slice(-6), '--format', 'json'], { cwd: dir });
  t.equal(JSON.parse(byId.stdout).id, first.id, 'a unique part of the id is enough');
  const gantt = await runMain(['report', '--run', first.id, '--format', 'gantt'], { cwd: dir });
  for (const task of ['build', 'test', 'lint'])
    t.match(
      gantt.stdout,
      new RegExp(`^${task} +\\d +█+ \\d+ms$`, 'm'),
      `at -j1 every task waited for the one before: ${task} is on the path`,
    );
  const trace = JSON.parse((await runMain(['report', '--last', '--format', 'trace'], { cwd: dir })).stdout) as Trace;
  t.ok(trace.traceEvents.some((event) => event.name === 'lint' && event.ph === 'X'));
  const summary = await runMain(['report', '--last', '--format', 'table'], { cwd: dir });
  t.match(
    summary.stdout,
    /^\S+: lint -j\d+ \(dag\), ok, makespan \d+ms\ntask +stage +start +duration +status\nlint +1 +\d+ms +\d+ms +✓ ok\ncritical path: lint\n$/,
    'the same table a run ends with',
  );
  const missing = await runMain(['report', '--run', 'nope'], { cwd: dir });
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^stagerun: no recorded run has the id 'nope'$/m);
  t.match(missing.stderr, /latest runs: /);
  const empty = tempProject({ 'deployfile.ts': deployfile });
  const none = await runMain(['report'], { cwd: empty });
  t.equal(none.code, 2);
  t.match(none.stderr, /no runs recorded yet/);
});

t.test('--gantt draws the run; --profile writes a trace whose slots never overlap', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const result = await runMain(['-j2', '--gantt', '--profile', 'trace.json'], { cwd: dir });
  t.equal(result.code, 0);
  t.match(result.stdout, /█ critical path {2}▒ other {3}makespan \d+ms at -j2 \(dag\)/);
  t.match(result.stdout, /^test +2 +█+ \d+ms$/m, 'test is on the critical path (build → test)');
  const trace = readJson<Trace>(path.join(dir, 'trace.json'));
  const tasks = trace.traceEvents.filter((event) => event.ph === 'X');
  t.same(tasks.map((event) => event.name).sort(), ['build', 'lint', 'test']);
  for (const tid of new Set(tasks.map((event) => event.tid))) {
    const track = tasks.filter((event) => event.tid === tid).sort((a, b) => a.ts! - b.ts!);
    for (let i = 1; i < track.length; i++)
      t.ok(track[i - 1]!.ts! + track[i - 1]!.dur! <= track[i]!.ts!, `slot ${tid} never runs two tasks at once`);
  }
  t.ok(tasks.every((event) => event.tid === 1 || event.tid === 2));
});

t.test('compare, measured: asks first; with --yes runs once per N and records each run', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const refused = await runMain(['compare', 'ci', '-j', '1,2'], { cwd: dir });
  t.equal(refused.code, 2);
  t.match(
    refused.stderr,
    /compare would run ci 2 times, and there is no terminal to ask on; pass --yes to confirm, or --simulate to run nothing/,
  );
  t.notOk(existsSync(historyOf(dir)), 'nothing ran');
  const result = await runMain(['compare', 'ci', '-j', '1..2', '--yes', '--format', 'json'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  const rows = JSON.parse(result.stdout) as {
    jobs: number;
    makespanMs: number;
    speedup: number;
    lowerBoundMs: number;
    simulated: boolean;
  }[];
  t.same(
    rows.map((row) => row.jobs),
    [1, 2],
  );
  t.ok(rows[0]!.makespanMs >= 600, 'serial: 0.2 + 0.3 + 0.1 s');
  t.ok(rows[1]!.makespanMs >= 500 && rows[1]!.makespanMs < rows[0]!.makespanMs, 'parallel: the build → test chain');
  t.ok(rows.every((row) => !row.simulated && row.makespanMs >= row.lowerBoundMs));
  t.match(result.stderr, /compare: run 1 of 2: ci -j1 \(dag\)…/, 'progress notes go to stderr beside JSON');
  t.equal(read(dir).runs.length, 2);
  const csv = await runMain(['compare', 'ci', '-j', '2', '--format', 'csv'], { cwd: dir });
  t.equal(csv.code, 0, 'one run needs no confirmation');
  t.match(
    csv.stdout,
    /^jobs,schedule,makespanMs,speedup,efficiency,lowerBoundMs,gap,simulated,ok,coresBusy,cores,picked\n2,dag,\d+(\.\d)?,1\.000,1\.000,.*,false,true,\d+(\.\d+)?,\d+,true\n$/,
    'a measured run records the CPU time its tasks used, and the cores',
  );
});

t.test('compare --simulate says which tasks had no history, and the default used', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  await runMain(['build'], { cwd: dir });
  const result = await runMain(['compare', 'ci', '-j', '1..3', '--simulate'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /simulated for \S+ with \d+ cores?, from 1 recorded run there .*; nothing was run/);
  t.match(result.stdout, /no history for 2 of 3 tasks \(test, lint\): simulated at 2\d\dms each \(the median of the known tasks\)/);
  t.match(result.stdout, /^N +schedule +makespan +speedup +efficiency +lower bound +gap +cores busy$/m);
  t.match(result.stdout, /^pick -j2: more jobs gain under 3%/m);
  const fixed = await runMain(['compare', 'ci', '-j', '1', '--simulate', '--default-duration', '2', '--format', 'json'], { cwd: dir });
  t.match(fixed.stderr, /simulated at 2\.00s each \(--default-duration\)/);
  t.ok(JSON.parse(fixed.stdout)[0].makespanMs > 4000);
  t.equal(read(dir).runs.length, 1, 'simulations are not recorded');
});

t.test('every command has --help', async (t) => {
  const dir = tempProject();
  for (const [command, flags] of [
    ['compare', ['--jobs', '--simulate', '--schedule', '--format', '--yes', '--default-duration']],
    ['history', ['--limit', '--format']],
    ['report', ['--run', '--last', '--format']],
  ] as const) {
    const help = await runMain([command, '--help'], { cwd: dir });
    t.equal(help.code, 0);
    for (const flag of flags) t.match(help.stdout, flag, `${command} ${flag}`);
  }
  const main = await runMain(['--help'], { cwd: dir });
  for (const text of ['compare', 'history', 'report', '--gantt', '--profile', '--no-history']) t.match(main.stdout, text);
});

t.test('history that cannot be written: a warning, and the run keeps its own result', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile, '.stagerun': 'a file where the directory should be' });
  const result = await runMain(['lint'], { cwd: dir });
  t.equal(result.code, 0, 'the run succeeded, so stagerun exits 0');
  t.match(result.stderr, /^stagerun: warning: the run was not recorded in history: .*\.stagerun/m);
  t.notMatch(result.stderr, /^\s+at /m, 'no stack trace');
  t.match(result.stdout, /✓ lint \(-j\d+, dag\): 1 ok/);
});
