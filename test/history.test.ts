import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { appendHistory, type HistoryWarning, historyFile, linesFromEnd, readHistory, recentDurations } from '../lib/reports/history.js';
import type { RunReport } from '../lib/reports/run-report.js';
import { simulate } from '../lib/run/simulate.js';
import { seedPipeline } from './helpers/seed.js';

const tempFile = () => historyFile(path.join(mkdtempSync(path.join(tmpdir(), 'stagerun-history-')), 'deployfile.ts'));
const aRun = (jobs = 2): RunReport =>
  simulate(seedPipeline(), { jobs, durations: { A: 1000, B: 1000, C: 1000, D: 1000, E: 1000, F: 1000 } });

t.test('append and read back, oldest first; .stagerun ignores itself', async (t) => {
  const file = tempFile();
  t.same(readHistory(file), [], 'no file: no runs');
  const runs = [aRun(1), aRun(2), aRun(3)];
  for (const run of runs) appendHistory(file, run);
  t.same(
    readHistory(file).map((run) => run.id),
    runs.map((run) => run.id),
  );
  t.same(
    readHistory(file).map((run) => run.makespanMs),
    [6000, 3000, 3000],
  );
  t.equal(readFileSync(path.join(path.dirname(file), '.gitignore'), 'utf8'), '*\n');
});

t.test('a damaged line is skipped with a warning naming the file and line', async (t) => {
  const file = tempFile();
  appendHistory(file, aRun());
  appendFileSync(file, '{"schemaVersion":1,"id":"torn-by-kill-9","tasks":[{"na');
  appendHistory(file, aRun());
  const lines = readFileSync(file, 'utf8').split('\n');
  t.match(lines[1], /^\{"schemaVersion":1,"id":"torn-by-kill-9"/, 'the torn line stays on its own line');
  t.match(lines[2], /^\{"schemaVersion":2,"id":"\d{8}T/, 'the next record starts on a fresh line');
  const read: HistoryWarning[] = [];
  t.equal(readHistory(file, (warning) => read.push(warning)).length, 2);
  t.equal(read.length, 1);
  t.equal(read[0]!.file, file);
  t.equal(read[0]!.line, 2);
  t.match(read[0]!.reason, /JSON/);
  appendFileSync(file, '{"not":"a run"}\n');
  const more: HistoryWarning[] = [];
  readHistory(file, (warning) => more.push(warning));
  t.same(more.map((warning) => [warning.line, warning.reason]).slice(-1), [[4, 'not a run record']]);
});

t.test('history is trimmed to the limit, keeping the newest runs', async (t) => {
  const file = tempFile();
  const ids: string[] = [];
  for (let i = 0; i < 34; i++) {
    const run = aRun();
    ids.push(run.id);
    appendHistory(file, run, { limit: 20 });
    const count = readHistory(file).length;
    t.ok(count <= 22, `never more than the limit plus a tenth (${count})`);
  }
  const kept = readHistory(file).map((run) => run.id);
  t.same(kept, ids.slice(-kept.length), 'the newest, in order');
  t.ok(kept.length >= 20);
  t.notOk(existsSync(`${file}.lock`), 'the lock is released');
});

t.test('a lock left by a dead process is taken over', async (t) => {
  const file = tempFile();
  appendHistory(file, aRun());
  writeFileSync(`${file}.lock`, '999999'); // no such process
  const started = Date.now();
  appendHistory(file, aRun());
  t.ok(Date.now() - started < 1000, 'without waiting for the timeout');
  t.equal(readHistory(file).length, 2);
  t.notOk(existsSync(`${file}.lock`));
});

t.test('concurrent appends from several processes lose nothing and corrupt nothing', async (t) => {
  const file = tempFile();
  const writers = 6;
  const each = 15;
  const script = `
    import { appendHistory } from ${JSON.stringify(new URL('../lib/reports/history.ts', import.meta.url).href)};
    const base = JSON.parse(process.argv[1]);
    for (let i = 0; i < ${each}; i++) appendHistory(process.argv[2], { ...base, id: process.pid + '-' + i, pad: 'x'.repeat(20000) }, { limit: 1000 });
  `;
  const run = JSON.stringify(aRun());
  const children = Array.from({ length: writers }, () =>
    spawn(process.execPath, [...process.execArgv, '--input-type=module', '-e', script, run, file], { stdio: 'inherit' }),
  );
  const codes = await Promise.all(children.map((child) => new Promise((resolve) => child.on('close', resolve))));
  t.same(codes, Array(writers).fill(0));
  const warnings: HistoryWarning[] = [];
  const runs = readHistory(file, (warning) => warnings.push(warning));
  t.same(warnings, [], 'every line is whole');
  t.equal(runs.length, writers * each, 'every record is there');
  t.equal(new Set(runs.map((r) => r.id)).size, writers * each);
});

t.test('lines are read from the end, across block boundaries, with their offsets', async (t) => {
  const file = tempFile();
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = ['first line', '', 'a longer third line', 'ü-ünïcode', 'last'];
  writeFileSync(file, `${lines.join('\n')}\n`);
  for (const blockSize of [1, 2, 3, 7, 64, 1 << 16]) {
    const read = [...linesFromEnd(file, blockSize)];
    t.same(
      read.map((line) => line.text),
      lines.filter(Boolean).reverse(),
      `block size ${blockSize}`,
    );
    const text = readFileSync(file, 'utf8');
    for (const line of read) t.equal(Buffer.from(text).subarray(line.offset).toString('utf8').split('\n')[0], line.text);
  }
});

t.test('a run reads only the recent runs it needs: damage further back is never read', async (t) => {
  const file = tempFile();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '{"damaged and never read"\n');
  // Recorded as real runs: simulations are never history.
  for (let i = 0; i < 12; i++)
    appendHistory(file, {
      ...simulate(seedPipeline(), { jobs: 2, durations: { A: 100 + i, B: 1, C: 1, D: 1, E: 1, F: 1 } }),
      simulated: false,
    });
  const warnings: HistoryWarning[] = [];
  const recent = recentDurations(file, { wanted: new Set(['A', 'B']), onWarning: (warning) => warnings.push(warning) });
  t.same(warnings, [], 'the damaged first line was not reached');
  t.equal(recent.runs, 10, 'ten runs give every wanted task its ten samples');
  t.equal(recent.durations.get('A'), 106.5, 'the median of the last ten');
  t.same([...recent.durations.keys()].sort(), ['A', 'B'], 'only the wanted tasks');
  const all = recentDurations(file, { onWarning: (warning) => warnings.push(warning) });
  t.equal(all.runs, 12, 'without a wanted set it reads back as far as there are runs');
  t.same(
    warnings.map((warning) => [warning.line, warning.reason.slice(0, 20)]),
    [[1, warnings[0]?.reason.slice(0, 20)]],
    'and names the damaged line by number',
  );
});

t.test('durations for a few tasks, cut out of each line, are those of parsing it whole', async (t) => {
  const file = tempFile();
  const mine = path.join(path.dirname(path.dirname(file)), 'deployfile.ts');
  const run = (i: number, extra: Partial<RunReport> = {}): RunReport => {
    const report = simulate(seedPipeline(), { jobs: 2, durations: { A: 100 + i, B: 200 + i, C: 1, D: 1, E: 1, F: 1 } });
    return {
      ...report,
      simulated: false,
      deployfile: mine,
      tasks: report.tasks.map((task) =>
        task.name === 'B' && i % 3 === 0
          ? // A reason holding what a task record starts with, quoted: it must not be taken for one.
            {
              ...task,
              status: 'failed',
              reason: 'bad {"name":"A","x":1} and \\ "quotes" }]',
              attempts: [...task.attempts, ...task.attempts],
            }
          : task.name === 'A' && i % 4 === 0
            ? { ...task, status: 'no-change' }
            : task,
      ),
      ...extra,
    };
  };
  for (let i = 0; i < 14; i++) appendHistory(file, run(i));
  appendHistory(file, run(90, { simulated: true }));
  appendHistory(file, run(91, { deployfile: '/elsewhere/other-deployfile.ts' }));
  appendFileSync(file, '{"schemaVersion":2,"id":"torn"\n');
  const whole = (wanted: Set<string>) => {
    // More wanted tasks than are cut out: every line parsed whole; then the answers for these.
    const all = recentDurations(file, {
      wanted: new Set([...wanted, 'C', 'D', 'E', 'F', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'x10', 'x11', 'x12']),
      deployfile: mine,
    });
    return [...wanted].map((name) => [name, all.durations.get(name), all.attempts.get(name)]);
  };
  for (const wanted of [new Set(['A']), new Set(['B']), new Set(['A', 'B']), new Set(['A', 'missing'])]) {
    const warnings: HistoryWarning[] = [];
    const cut = recentDurations(file, { wanted, deployfile: mine, onWarning: (warning) => warnings.push(warning) });
    t.same(
      [...wanted].map((name) => [name, cut.durations.get(name), cut.attempts.get(name)]),
      whole(wanted),
      [...wanted].join(','),
    );
    t.same(
      warnings.map((warning) => warning.line),
      [17],
      'the torn line is still reported, by number',
    );
  }
});

t.test('trimming cuts at a line boundary, without parsing, and keeps what is newest', async (t) => {
  const file = tempFile();
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = Array.from({ length: 30 }, (_, i) => `{"line":${i}}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  appendHistory(file, aRun(), { limit: 10 });
  const kept = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  t.equal(kept.length, 10);
  t.equal(kept[0], '{"line":21}');
  t.match(kept[9], /^\{"schemaVersion":2/);
});

t.test('durations are read for one machine; older records, without a machine, still read', async (t) => {
  const file = tempFile();
  const on = (name: string | undefined, cores: number, a: number, jobs = 1): RunReport => {
    const report = simulate(seedPipeline(), {
      jobs,
      durations: { A: a, B: 1, C: 1, D: 1, E: 1, F: 1 },
      cpuShares: { A: 0.5 },
      machine: { name: name ?? 'x', cores },
    });
    const real = { ...report, simulated: false };
    if (name !== undefined) return real;
    // As written before machines and CPU time were recorded.
    const { machine: _, ...older } = real;
    return { ...older, tasks: older.tasks.map((task) => ({ ...task, attempts: task.attempts.map(({ cpuMs: __, ...rest }) => rest) })) };
  };
  appendHistory(file, on(undefined, 1, 500));
  appendHistory(file, on('laptop', 8, 1000));
  appendHistory(file, on('ci-large', 16, 3000));
  appendHistory(file, on('ci-large', 16, 5000, 32));
  for (const wanted of [new Set(['A']), undefined]) {
    const ci = recentDurations(file, { wanted, machine: 'ci-large' });
    t.equal(ci.durations.get('A'), 4000, 'only the ci-large runs (at -j32, A still had its cores to itself), not the older record');
    t.equal(ci.cores, 16, 'the cores of the newest ci-large run');
    t.equal(ci.cpuShares.get('A'), 0.5);
    const laptop = recentDurations(file, { wanted, machine: 'laptop' });
    t.equal(laptop.durations.get('A'), 1000, "the laptop's run, before the older record");
    const older = recentDurations(file, { wanted, machine: 'desktop' });
    t.equal(older.durations.get('A'), 500, 'a machine with no runs of its own: the older record, which does not say where it ran');
    t.equal(older.cores, undefined);
    t.equal(laptop.cores, 8);
    const everywhere = recentDurations(file, { wanted });
    t.equal(everywhere.runs, 4);
  }
});
