// Running real processes through the CLI: failures, output, and the read-only views.
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readJson, runCli, tempProject } from '../helpers/cli.js';
import type { RunReport } from '../../lib/report/json.js';

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
  const result = await runCli(['all', '-j3', '--report', report], { cwd: dir });
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
  const result = await runCli(['all', '-j3', '-k'], { cwd: dir });
  t.equal(result.code, 1);
  t.ok(existsSync(path.join(dir, 'ran-late')));
  t.notOk(existsSync(path.join(dir, 'ran-after-bad')));
  t.match(result.stdout, /✗ all \(-j3, dag\): 3 ok, 1 failed, 1 skipped; makespan/);
});

t.test('a command that does not exist, and a function that throws', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
p.task('missing', { run: ['no-such-command-xyz', '--flag'] });
p.task('throws', { run: async ({ log }) => { log('about to fail'); throw new Error('bucket not found'); } });
export default p;
`,
  });
  const result = await runCli(['missing', 'throws', '-k', '-j2'], { cwd: dir });
  t.equal(result.code, 1);
  t.match(result.stdout, /^missing +│ ✗ failed: command not found: no-such-command-xyz/m);
  t.match(result.stdout, /^throws +│ about to fail$/m);
  t.match(result.stdout, /^throws +│ ✗ failed: bucket not found/m);
});

t.test('a function task that leaves a timer behind does not keep stagerun running', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('leaky', { run: async ({ log }) => { setInterval(() => {}, 1000); log('done'); } });\nexport default p;\n`,
  });
  const result = await runCli(['leaky'], { cwd: dir });
  t.equal(result.code, 0);
  t.ok(result.ms < 3000, `exited in ${Math.round(result.ms)} ms`);
  t.match(result.stdout, /✓ leaky \(-j\d+, dag\): 1 ok/, 'everything printed before exit');
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
  const result = await runCli(['api:info'], { cwd: dir });
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
  const result = await runCli(['-j2'], { cwd: dir });
  t.equal(result.code, 0);
  const lines = result.stdout.split('\n').filter((line) => /│ (one|two)-\d$/.test(line));
  t.same(lines, ['one │ one-1', 'two │ two-1', 'one │ one-2', 'two │ two-2']);
  t.notMatch(result.stdout, /\u001b\[/, 'no colour codes');
});

t.test('grouped output prints each task as one block when it ends', async (t) => {
  const dir = tempProject({ 'deployfile.ts': twoTasks });
  const result = await runCli(['-j2', '--output', 'grouped'], { cwd: dir });
  t.equal(result.code, 0);
  t.match(result.stdout, /one │ ✓ ok in \d+ms\none │ one-1\none │ one-2\ntwo │ ✓ ok in \d+ms\ntwo │ two-1\ntwo │ two-2\n/);
});

t.test('colour with FORCE_COLOR, none with NO_COLOR', async (t) => {
  const dir = tempProject({ 'deployfile.ts': twoTasks });
  const coloured = await runCli(['one'], { cwd: dir, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  t.match(coloured.stdout, /\u001b\[36mone\u001b\[39m/);
  const plain = await runCli(['one', '--color'], { cwd: dir, env: { NO_COLOR: '1' } });
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
  const result = await runCli(['b', '--dry-run', '-j2'], { cwd: dir });
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
  const list = await runCli(['--list'], { cwd: dir });
  t.equal(list.code, 0);
  t.match(list.stdout, /^task +deps +description$/m);
  t.match(list.stdout, /^web:build +— +Build the site$/m);
  t.match(list.stdout, /^web:deploy +web:build$/m);
  t.match(list.stdout, /^all +web:build, web:deploy +\(goal\)$/m);
  t.match(list.stdout, /default target: all/);
  const dot = await runCli(['--graph'], { cwd: dir });
  t.match(dot.stdout, /^digraph stagerun \{/);
  t.match(dot.stdout, /"web:build" -> "web:deploy";/);
  const mermaid = await runCli(['--graph', 'mermaid'], { cwd: dir });
  t.match(mermaid.stdout, /^flowchart LR\n/);
  t.match(mermaid.stdout, /t0 --> t1/);
});

t.test('-f may name a directory: its deployfile is used', async (t) => {
  const dir = tempProject({ 'infra/deployfile.ts': `${header}p.task('where', { run: 'pwd' });\nexport default p;\n` });
  const result = await runCli(['-f', 'infra', 'where'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^where │ .*\/infra$/m);
});

t.test('the deployfile is found from a subdirectory, and tasks run where it is', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('where', { run: 'pwd' });\nexport default p;\n`,
    'deep/er/.keep': '',
  });
  const result = await runCli(['where'], { cwd: path.join(dir, 'deep/er') });
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
  const result = await runCli(['api'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^api │ api tasks\.ts$/m);
  const temp = path.join(dir, '.stagerun/tmp');
  t.same(existsSync(temp) ? readdirSync(temp) : [], [], 'the temporary bundle is removed');
  t.equal(readFileSync(path.join(dir, '.stagerun/.gitignore'), 'utf8'), '*\n', 'and git ignores .stagerun/');
});

t.test('--version and --help', async (t) => {
  const dir = tempProject();
  const version = await runCli(['--version'], { cwd: dir });
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const notRun = await runCli(['deploy', '--version'], { cwd: dir });
  t.equal(notRun.stdout, version.stdout, '--version after a target prints the version and runs nothing');
  const help = await runCli(['--help'], { cwd: dir });
  t.equal(help.code, 0);
  for (const flag of ['--jobs', '--keep-going', '--dry-run', '--list', '--graph', '--schedule', '--report', '--output', '--file', 'Examples:']) {
    t.match(help.stdout, flag);
  }
});
