// Running real processes through the CLI (in-process): failures, output, and the read-only views.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import { isAlive, readJson, runMain, tempProject } from '../helpers/cli.js';

const header = "import { pipeline } from 'stagerun';\nconst p = pipeline();\n";

const failing = `${header}
p.task('a', { run: 'echo building a; sleep 0.3; echo a done' });
p.task('bad', { run: 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo "line $i"; done; echo oops >&2; exit 3' });
p.task('after_bad', { run: 'touch ran-after-bad', deps: ['bad'] });
p.task('slow', { run: 'sleep 0.6; touch ran-slow' });
p.task('late', { run: 'touch ran-late', deps: ['a'] });
p.task('all', { deps: ['a', 'after_bad', 'slow', 'late'] });
export default p;
`;

t.test('a failing task: exit 1, which task, its exit code, its last lines; dependents skipped', async (t) => {
  const dir = tempProject({ 'deployfile.ts': failing });
  const report = path.join(dir, 'report.json');
  const result = await runMain(['all', '-j3', '--report', report], { cwd: dir });
  t.equal(result.code, 1);
  t.match(result.stdout, /^bad +│ ✗ failed: exit code 3 in \d+ms$/m);
  t.match(result.stdout, /^✗ bad failed: exit code 3 after \d+ms$/m);
  t.match(result.stdout, /last 15 lines of output:\n(?: {2}│ line \d+\n){14} {2}│ oops$/m, 'the last 15 lines, stderr included');
  t.match(result.stdout, /^after_bad +│ - skipped: needs bad, which failed$/m);
  t.match(result.stdout, /a task failed; starting nothing new, waiting for 2 running \(a, slow\) \(use -k to keep going\)/);
  const data = readJson<RunReport>(report);
  const status = Object.fromEntries(data.tasks.map((task) => [task.name, task.status]));
  t.same(status, { a: 'ok', bad: 'failed', after_bad: 'skipped', slow: 'ok', late: 'cancelled', all: 'skipped' });
  t.equal(data.tasks.find((task) => task.name === 'bad')!.exitCode, 3);
  t.equal(data.ok, false);
  t.ok(existsSync(path.join(dir, 'ran-slow')), 'running tasks finish');
  t.notOk(existsSync(path.join(dir, 'ran-late')), 'nothing new starts');
  t.notOk(existsSync(path.join(dir, 'ran-after-bad')));
});

t.test('keep-going runs what does not depend on the failure', async (t) => {
  const dir = tempProject({ 'deployfile.ts': failing });
  const result = await runMain(['all', '-j3', '-k'], { cwd: dir });
  t.equal(result.code, 1);
  t.ok(existsSync(path.join(dir, 'ran-late')));
  t.notOk(existsSync(path.join(dir, 'ran-after-bad')));
  t.match(result.stdout, /✗ all \(-j3, dag\): 3 ok, 1 failed, 1 skipped; makespan/);
});

t.test('a command that does not exist, and a function that throws', async (t) => {
  const dir = tempProject({
    'gone/.keep': '',
    'deployfile.ts': `${header}
p.task('missing', { run: ['no-such-command-xyz', '--flag'] });
// Its directory exists when the run is planned, and is gone by the time it starts.
p.task('remove', { run: 'rm gone/.keep && rmdir gone' });
p.task('nowhere', { run: 'echo hi', cwd: 'gone', deps: ['remove'] });
p.task('throws', { run: async ({ log }) => { log('about to fail'); throw new Error('bucket not found'); } });
export default p;
`,
  });
  const result = await runMain(['missing', 'nowhere', 'throws', '-k', '-j2'], { cwd: dir });
  t.equal(result.code, 1);
  t.match(result.stdout, /^missing +│ ✗ failed: command not found: no-such-command-xyz/m);
  t.match(result.stdout, /^nowhere +│ ✗ failed: directory not found: .*\/gone in /m, 'not "command not found: /bin/sh"');
  t.match(result.stdout, /^throws +│ about to fail$/m);
  t.match(result.stdout, /^throws +│ ✗ failed: bucket not found/m);
});

t.test('function tasks get their directory, environment and a logger', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
p.service('api', { env: { REGION: 'eu-west-1' } }).task('info', {
  run: async ({ name, cwd, env, log }) => { log('%s in %s for %s', name, cwd.split('/').pop(), env.REGION); },
});
export default p;
`,
    'api/.keep': '',
  });
  const result = await runMain(['api:info'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^api:info │ api:info in api for eu-west-1$/m);
});

const twoTasks = `${header}
p.task('one', { run: 'echo one-1; sleep 0.2; echo one-2' });
p.task('two', { run: 'sleep 0.1; echo two-1; sleep 0.2; echo two-2' });
p.default('one', 'two');
export default p;
`;

t.test('stream output interleaves lines, each under its task name, plain when piped', async (t) => {
  const dir = tempProject({ 'deployfile.ts': twoTasks });
  const result = await runMain(['-j2'], { cwd: dir });
  t.equal(result.code, 0);
  const lines = result.stdout.split('\n').filter((line) => /│ (one|two)-\d$/.test(line));
  t.same(lines, ['one │ one-1', 'two │ two-1', 'one │ one-2', 'two │ two-2']);
  t.notMatch(result.stdout, /\u001b\[/, 'no colour codes');
});

t.test('grouped output prints each task as one block when it ends', async (t) => {
  const dir = tempProject({ 'deployfile.ts': twoTasks });
  const result = await runMain(['-j2', '--output', 'grouped'], { cwd: dir });
  t.equal(result.code, 0);
  // Each block as it happened: the output first, then how the task ended.
  t.match(result.stdout, /one │ one-1\none │ one-2\none │ ✓ ok in \d+ms\ntwo │ two-1\ntwo │ two-2\ntwo │ ✓ ok in \d+ms\n/);
});

t.test('colour with FORCE_COLOR, none with NO_COLOR', async (t) => {
  const dir = tempProject({ 'deployfile.ts': twoTasks });
  const coloured = await runMain(['one'], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  t.match(coloured.stdout, /\u001b\[36mone\u001b\[39m/);
  const plain = await runMain(['one', '--color'], { cwd: dir, env: { NO_COLOR: '1' } });
  t.notMatch(plain.stdout, /\u001b\[/);
});

t.test('--dry-run prints stages, deps and commands and runs nothing', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
const a = p.task('a', { run: 'touch ran-a', description: 'Make a' });
p.task('b', { run: ['touch', 'ran b'], deps: [a] });
export default p;
`,
  });
  const result = await runMain(['b', '--dry-run', '-j2'], { cwd: dir });
  t.equal(result.code, 0);
  t.match(result.stdout, /dry run: b: 2 tasks in 2 stages; would run -j2 with schedule dag; nothing was run/);
  t.match(result.stdout, /stage 1:\n {2}a {2}— Make a\n {6}deps: \(none\)\n {6}run: {2}touch ran-a\n/);
  t.match(result.stdout, /stage 2:\n {2}b\n {6}deps: a\n {6}run: {2}touch 'ran b'\n/);
  t.notOk(existsSync(path.join(dir, 'ran-a')));
});

t.test('--list and --graph', async (t) => {
  const dir = tempProject({
    'deployfile.mjs': `import { pipeline } from 'stagerun';
const p = pipeline();
const web = p.service('web');
web.task('build', { run: 'true', description: 'Build the site' });
web.task('deploy', { run: 'true', deps: ['build'] });
p.task('all', { deps: [web] });
p.default('all');
export default p;
`,
  });
  const list = await runMain(['--list'], { cwd: dir });
  t.equal(list.code, 0);
  t.match(list.stdout, /^task +deps +description$/m);
  t.match(list.stdout, /^web:build +— +Build the site$/m);
  t.match(list.stdout, /^web:deploy +web:build$/m);
  t.match(list.stdout, /^all +web:build, web:deploy +\(goal\)$/m);
  t.match(list.stdout, /default target: all/);
  const dot = await runMain(['--graph'], { cwd: dir });
  t.match(dot.stdout, /^digraph stagerun \{/);
  t.match(dot.stdout, /"web:build" -> "web:deploy";/);
  const mermaid = await runMain(['--graph', 'mermaid'], { cwd: dir });
  t.match(mermaid.stdout, /^flowchart LR\n/);
  t.match(mermaid.stdout, /t0 --> t1/);
});

t.test('--list of a goal over many tasks names the first ones and how many, and keeps rows short', async (t) => {
  const dir = tempProject({
    'deployfile.mjs': `import { pipeline } from 'stagerun';
const p = pipeline();
const names = Array.from({ length: 5000 }, (_, i) => 't' + i);
for (const name of names) p.task(name, { run: 'true' });
p.task('all', { deps: names, description: 'every task' });
p.default('all');
export default p;
`,
  });
  const list = await runMain(['--list'], { cwd: dir });
  t.equal(list.code, 0, list.stderr);
  t.match(list.stdout, /^all +t0, t1, t2, .*, t18, … \(5,000 in all\) +every task$/m);
  const widest = Math.max(...list.stdout.split('\n').map((line) => line.length));
  t.ok(widest < 300, `no row is padded to the width of 5,000 names (widest: ${widest})`);
});

t.test('-f may name a directory: its deployfile is used', async (t) => {
  const dir = tempProject({ 'infra/deployfile.ts': `${header}p.task('where', { run: 'pwd' });\nexport default p;\n` });
  const result = await runMain(['-f', 'infra', 'where'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^where │ .*\/infra$/m);
});

t.test('the deployfile is found from a subdirectory, and tasks run where it is', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('where', { run: 'pwd' });\nexport default p;\n`,
    'deep/er/.keep': '',
  });
  const result = await runMain(['where'], { cwd: path.join(dir, 'deep/er') });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, new RegExp(`^where │ ${dir.replace(/[/.]/g, '\\$&')}$`, 'm'));
});

t.test('a .ts deployfile may import its own TypeScript modules and read import.meta', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}import { addApi } from './services/api/tasks.js';\naddApi(p);\nexport default p;\n`,
    'services/api/tasks.ts': `import type { Pipeline } from 'stagerun';
import path from 'node:path';
export function addApi(p: Pipeline): void {
  const here = path.basename(import.meta.dirname);
  p.task('api', { run: ['echo', here, path.basename(new URL(import.meta.url).pathname)] });
}
`,
  });
  const result = await runMain(['api'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^api │ api tasks\.ts$/m);
  t.equal(readFileSync(path.join(dir, '.stagerun/.gitignore'), 'utf8'), '*\n', 'and git ignores .stagerun/');
});

t.test('--help', async (t) => {
  const help = await runMain(['--help'], { cwd: tempProject() });
  t.equal(help.code, 0);
  for (const flag of [
    '--jobs',
    '--keep-going',
    '--dry-run',
    '--list',
    '--graph',
    '--schedule',
    '--report',
    '--output',
    '--file',
    'Examples:',
  ]) {
    t.match(help.stdout, flag);
  }
});

// Issue 8 regressions.

t.test('a task ends when its own process exits: a background child does not hold it or its dependents', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
p.task('server', { run: 'sh -c "echo \\$\\$ > child.pid; sleep 0.3; echo late line from the child; sleep 30" & echo started server' });
p.task('after', { run: 'echo after ran', deps: ['server'] });
export default p;
`,
  });
  const result = await runMain(['after', '--report', 'r.json'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  const report = readJson<RunReport>(path.join(dir, 'r.json'));
  const server = report.tasks.find((task) => task.name === 'server')!;
  t.ok(server.durationMs! < 250, `server ended with its shell (${server.durationMs} ms), not with the 30 s child`);
  t.ok(report.tasks.find((task) => task.name === 'after')!.startMs! < 300, 'its dependent started at once');
  t.match(result.stdout, /^server +│ started server$/m);
  const childPid = Number(readFileSync(path.join(dir, 'child.pid'), 'utf8'));
  t.notOk(isAlive(childPid), 'the child it left behind was ended with the run');
  t.ok(result.ms < 5000, `the run did not wait for the child (${Math.round(result.ms)} ms)`);
});

t.test('output a left-behind child prints later is still shown under the task', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
p.task('server', { run: '(sleep 0.2; echo late line from the child) & echo started' });
p.task('slow', { run: 'sleep 0.6' });
export default p;
`,
  });
  const result = await runMain(['server', 'slow', '-j2'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^server +│ ✓ ok in \d+ms\n(?:.*\n)*server +│ late line from the child$/m);
});

t.test("words after '--' go to the target tasks: appended to argv and shell commands, ctx.args for functions", async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
p.task('dep', { run: ['echo', 'dep gets nothing'] });
p.task('argv', { run: ['echo', 'argv:'], deps: ['dep'] });
p.task('shell', { run: 'echo shell:' });
p.task('fn', { run: async ({ args, log }) => log('fn:', args.join('|')) });
export default p;
`,
  });
  const result = await runMain(['argv', 'shell', 'fn', '--', '--foo', 'bar baz', "it's"], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^argv +│ argv: --foo bar baz it's$/m);
  t.match(result.stdout, /^shell +│ shell: --foo bar baz it's$/m);
  t.match(result.stdout, /^fn +│ fn: --foo\|bar baz\|it's$/m);
  t.match(result.stdout, /^dep +│ dep gets nothing$/m, 'dependencies get no arguments');
  t.match(result.stdout, /^shell +│ ▶ echo shell: --foo 'bar baz' 'it'\\''s'$/m, 'the command shown is the one run');
  const dry = await runMain(['argv', '--dry-run', '--', '-x'], { cwd: dir });
  t.match(dry.stdout, /run: {2}echo argv: -x/);
});

t.test('-j1,2 and -j1..2 are read as values of -j', async (t) => {
  const dir = tempProject({ 'deployfile.ts': `${header}p.task('a', { run: 'true' });\nexport default p;\n` });
  for (const jobs of ['-j1,2', '-j1..2']) {
    const result = await runMain(['compare', 'a', jobs, '--simulate', '--default-duration', '1', '--format', 'csv'], { cwd: dir });
    t.equal(result.code, 0, result.stderr);
    t.match(result.stdout, /^1,dag,1000,.*\n2,dag,1000,/m, jobs);
  }
  const run = await runMain(['a', '-j3', '--report', 'r.json'], { cwd: dir });
  t.equal(run.code, 0);
  t.equal(readJson<RunReport>(path.join(dir, 'r.json')).jobs, 3);
});

t.test('an output that cannot be created is refused before anything runs', async (t) => {
  const dir = tempProject({ 'deployfile.ts': `${header}p.task('a', { run: 'touch ran' });\nexport default p;\n` });
  for (const [flag, target, reason] of [
    ['--report', '/proc/stagerun-report.json', /files cannot be created in \/proc/],
    ['--profile', 'trace-dir', /it is a directory/],
  ] as const) {
    if (target === 'trace-dir') mkdirSync(path.join(dir, target));
    const result = await runMain(['a', flag, target], { cwd: dir });
    t.equal(result.code, 2, `${flag} ${target}`);
    t.match(result.stderr, new RegExp(`^stagerun: ${flag}: cannot write ${target}: `, 'm'));
    t.match(result.stderr, reason);
    t.notOk(existsSync(path.join(dir, 'ran')), 'nothing ran');
  }
});

t.test('a report that fails to write after the run never hides the run’s own failure', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('a', { run: 'rm -rf out; exit 1' });\np.task('b', { run: 'rm -rf out' });\nexport default p;\n`,
    'out/.keep': '',
  });
  // The task removes the report's directory while it runs: the late write fails.
  const failed = await runMain(['a', '--report', 'out/r.json'], { cwd: dir });
  t.equal(failed.code, 1, 'the failed run exits 1, not 2');
  t.match(failed.stderr, /--report: cannot write out\/r\.json: directory .*out does not exist/);
  mkdirSync(path.join(dir, 'out'));
  const ok = await runMain(['b', '--report', 'out/r.json'], { cwd: dir });
  t.equal(ok.code, 2, 'a successful run whose report is lost exits 2');
});

t.test('a history file that is a directory: a warning, and every command still works', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('a', { run: 'echo ran' });\nexport default p;\n`,
    '.stagerun/history.jsonl/.keep': '',
  });
  const run = await runMain(['a'], { cwd: dir });
  t.equal(run.code, 0, 'the run exits with its own code');
  t.match(run.stdout, /^a +│ ran$/m);
  t.match(
    run.stderr,
    /^stagerun: warning: \.stagerun\/history\.jsonl: it is a directory, not a file; history is ignored until it is moved away$/m,
  );
  t.match(
    run.stderr,
    /^stagerun: warning: the run was not recorded in history: cannot record the run in .*history\.jsonl: it is a directory, not a file$/m,
  );
  t.notMatch(run.stderr, /internal error|^\s+at /m);
  for (const args of [['a', '--no-history'], ['history'], ['compare', 'a', '--simulate', '-j1']]) {
    const result = await runMain(args, { cwd: dir });
    t.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    t.notMatch(result.stderr, /internal error/);
  }
  const report = await runMain(['report'], { cwd: dir });
  t.equal(report.code, 2);
  t.match(report.stderr, /^stagerun: no runs recorded yet/m);
});

t.test('a .stagerun/ that cannot hold the bundle: the deployfile still loads, its imports resolve', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}import { label } from './lib/label.js';\np.task('a', { run: ['echo', label] });\nexport default p;\n`,
    'lib/label.ts': `export const label = 'from lib';\n`,
    // A file where the bundle's directory should be: as unwritable as a read-only one, even for root.
    '.stagerun/cache': 'not a directory',
  });
  const result = await runMain(['a', '--no-history'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^a │ from lib$/m);
});

t.test('computed relative imports resolve from the deployfile, from a new bundle and from a kept one', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
for (const name of ['one', 'two']) {
  const spec = './tasks/' + name + '.mjs';
  const module = await import(spec);
  p.task(name, { run: ['echo', module.text] });
}
export default p;
`,
    'tasks/one.mjs': `export const text = 'task one';\n`,
    'tasks/two.mjs': `export const text = 'task two';\n`,
  });
  for (const round of ['bundled', 'kept']) {
    const result = await runMain(['one', 'two', '--no-history'], { cwd: dir });
    t.equal(result.code, 0, result.stderr);
    t.match(result.stdout, /^one │ task one$/m, round);
    t.match(result.stdout, /^two │ task two$/m, round);
  }
});

t.test('the bundled deployfile is kept while the files it was made from are unchanged', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}import { label } from './lib/label.js';\nimport config from './config.json';\np.task('a', { run: ['echo', label, config.region] });\nexport default p;\n`,
    'lib/label.ts': `export const label = 'first';\n`,
    'config.json': '{ "region": "eu-west-1" }\n',
  });
  const cache = path.join(dir, '.stagerun/cache');
  const bundles = () => readdirSync(cache).filter((name) => name.endsWith('.mjs'));
  const echo = async () => {
    const result = await runMain(['a', '--no-history'], { cwd: dir });
    t.equal(result.code, 0, result.stderr);
    return /^a │ (?!▶|✓)(.*)$/m.exec(result.stdout)?.[1];
  };
  t.equal(await echo(), 'first eu-west-1');
  const [first] = bundles();
  const made = statSync(path.join(cache, first!)).mtimeMs;
  t.equal(await echo(), 'first eu-west-1');
  t.same(bundles(), [first], 'the same bundle…');
  t.equal(statSync(path.join(cache, first!)).mtimeMs, made, '…not written again');

  writeFileSync(path.join(dir, 'lib/label.ts'), `export const label = 'second';\n`);
  t.equal(await echo(), 'second eu-west-1', 'a change in an imported module makes a new bundle');
  writeFileSync(path.join(dir, 'config.json'), '{ "region": "us-east-1" }\n');
  t.equal(await echo(), 'second us-east-1', 'so does a change in imported JSON');
  t.equal(bundles().length, 3, 'earlier bundles stay a while, for loads that may be importing them');

  // Damage: a manifest that is not JSON, then one that names a bundle that is gone.
  const manifest = readdirSync(cache).find((name) => name.endsWith('.json'))!;
  writeFileSync(path.join(cache, manifest), '{ not json');
  t.equal(await echo(), 'second us-east-1', 'a damaged manifest: bundled again');
  for (const name of bundles()) rmSync(path.join(cache, name));
  t.equal(await echo(), 'second us-east-1', 'a missing bundle: bundled again');
});

t.test('bundles no manifest names are removed once a minute old; a run evaluates the deployfile each time', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('a', { run: ['echo', String(globalThis.stagerunLoads = (globalThis.stagerunLoads ?? 0) + 1)] });\nexport default p;\n`,
  });
  t.equal((await runMain(['a', '--no-history'], { cwd: dir })).code, 0);
  const cache = path.join(dir, '.stagerun/cache');
  const [current] = readdirSync(cache).filter((name) => name.endsWith('.mjs'));
  const stem = current!.replace(/-[0-9a-f]+\.mjs$/, '');
  const old = path.join(cache, `${stem}-0123456789abcdef.mjs`);
  const recent = path.join(cache, `${stem}-fedcba9876543210.mjs`);
  const killed = path.join(cache, `${stem}-0000000000000000.mjs.999999.tmp`);
  for (const file of [old, recent, killed]) writeFileSync(file, 'export default 1;\n');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(old, hourAgo, hourAgo);
  utimesSync(killed, hourAgo, hourAgo);
  writeFileSync(path.join(dir, 'deployfile.ts'), `${readFileSync(path.join(dir, 'deployfile.ts'), 'utf8')}// changed\n`);
  const result = await runMain(['a', '--no-history'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.notOk(existsSync(old), 'an hour-old bundle is removed');
  t.notOk(existsSync(killed), 'so is what a killed load left half-written');
  t.ok(existsSync(recent), 'a recent one stays: another load may be importing it');
  const again = await runMain(['a', '--no-history'], { cwd: dir });
  t.not(
    /^a │ (\d+)$/m.exec(again.stdout)?.[1] ?? 'none',
    /^a │ (\d+)$/m.exec(result.stdout)?.[1] ?? 'none',
    'the kept bundle still runs the deployfile again',
  );
});

t.test('deployfile.js in a CommonJS package loads as an ES module', async (t) => {
  const dir = tempProject({
    'package.json': JSON.stringify({ name: 'cjs-project', version: '1.0.0', type: 'commonjs' }),
    'deployfile.js': `import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('a', { run: 'echo esm in cjs' });\nexport default p;\n`,
  });
  const result = await runMain(['a', '--no-history'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^a │ esm in cjs$/m);
  const required = tempProject({ 'deployfile.js': `const { pipeline } = require('stagerun');\nmodule.exports = pipeline();\n` });
  const refused = await runMain(['--list'], { cwd: required });
  t.equal(refused.code, 2);
  t.match(refused.stderr, /a deployfile is an ES module: write `import \{ pipeline \} from 'stagerun';` and `export default p;`/);
});

t.test("tasks' stderr goes to stderr; colour is forced for tasks when stagerun's output is a colour terminal", async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('a', { run: 'echo "to out $FORCE_COLOR"; echo to err >&2' });\nexport default p;\n`,
  });
  const piped = await runMain(['a', '--no-summary'], { cwd: dir });
  t.match(piped.stdout, /^a │ to out $/m, 'no FORCE_COLOR when stagerun is piped');
  t.notMatch(piped.stdout, /^a │ to err$/m);
  t.match(piped.stderr, /^a │ to err$/m);
  const terminal = await runMain(['a', '--no-summary', '--no-progress'], {
    cwd: dir,
    tty: true,
    env: { NO_COLOR: undefined, TERM: 'xterm-256color' },
  });
  t.match(terminal.stdout, /to out 2/, 'FORCE_COLOR at the terminal’s depth');
  const user = await runMain(['a', '--no-summary', '--no-progress'], {
    cwd: dir,
    tty: true,
    env: { NO_COLOR: undefined, FORCE_COLOR: '0' },
  });
  t.match(user.stdout, /to out 0/, "the user's own FORCE_COLOR stands");
});

t.test('no status line under TERM=dumb, even on a terminal', async (t) => {
  const dir = tempProject({ 'deployfile.ts': `${header}p.task('a', { run: 'sleep 0.3' });\nexport default p;\n` });
  const result = await runMain(['a', '--no-history'], { cwd: dir, tty: true, env: { TERM: 'dumb' } });
  t.equal(result.code, 0);
  t.notMatch(result.stdout, /\u001b\[/, 'no cursor escapes');
});

t.test('tasks never inherit the variables a test runner sets for its own children', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('suite', { run: 'node --test failing.test.mjs' });
p.task('show', { run: 'echo "context=\${NODE_TEST_CONTEXT-unset} tap=\${TAP_CHILD_ID-unset}"' });
export default p;
`,
    'failing.test.mjs': "import test from 'node:test';\nimport assert from 'node:assert';\ntest('one', () => assert.equal(1, 2));\n",
  });
  // As when a deployfile's own test runs stagerun under node --test or tap.
  const env = { NODE_TEST_CONTEXT: 'child-v8', TAP_CHILD_ID: '7', TAP_CHILD_KEY: 'k' };
  const shown = await runMain(['show'], { cwd: dir, env });
  t.equal(shown.code, 0);
  t.match(shown.stdout, /context=unset tap=unset/);
  const suite = await runMain(['suite'], { cwd: dir, env });
  t.equal(suite.code, 1, 'a failing node --test suite fails its task');
  t.match(suite.stdout, /✗ suite failed: exit code 1/);
});

t.test(
  'a failure shows the first lines that look like errors as well as the last ones; --tail and a task option choose how many',
  async (t) => {
    const dir = tempProject({
      'deployfile.ts': `${header}p.task('suite', { run: 'node --test failing.test.mjs' });
p.task('short', { run: 'for i in 1 2 3 4 5 6; do echo "line $i"; done; exit 1', tail: 2 });
export default p;
`,
      'failing.test.mjs': "import test from 'node:test';\nimport assert from 'node:assert';\ntest('adds', () => assert.equal(1 + 1, 3));\n",
    });
    const suite = await runMain(['suite'], { cwd: dir });
    t.equal(suite.code, 1);
    t.match(
      suite.stdout,
      /first lines that look like errors:\n(?: {2}│ .*\n)*? {2}│ .*(?:AssertionError|not ok)/,
      'the assertion, not only the # pass summary',
    );
    const few = await runMain(['suite', '--tail', '3'], { cwd: dir });
    t.match(few.stdout, /last 3 lines of output:/);
    const own = await runMain(['short', '--tail', '9'], { cwd: dir });
    t.match(own.stdout, /last 2 lines of output:\n {2}│ line 5\n {2}│ line 6/, "the task's own tail wins");
    const bad = await runMain(['suite', '--tail', '0'], { cwd: dir });
    t.equal(bad.code, 2);
  },
);
