// Skipping what did not change, end to end: up-to-date tasks, why a task runs (--dry-run,
// --explain), --force, STAGERUN_HASH and `stagerun hash`, and a damaged state file.

import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import { copyExample, FakeSignals, readJson, runMain, tempProject } from '../helpers/cli.js';

const deployfile = `import { pipeline } from 'stagerun';
const p = pipeline();
const api = p.service('api');
api.task('build', { run: 'echo "built $STAGERUN_HASH" >> ../build.log', inputs: ['src/**', '!**/*.md'], inputsEnv: ['NODE_ENV'] });
api.task('deploy', { run: 'echo deployed >> ../deploy.log', deps: ['build'], inputs: ['deploy.sh'] });
api.task('notify', { run: 'echo notified >> ../notify.log', deps: ['deploy'] });
p.task('fn', { run: ({ hash, log }) => log('hash', hash), inputs: ['api/src/**'] });
p.default('api');
export default p;
`;

const files = { 'deployfile.ts': deployfile, 'api/src/main.ts': 'v1', 'api/src/README.md': 'docs', 'api/deploy.sh': 'deploy' };
const lines = (dir: string, log: string) =>
  existsSync(path.join(dir, log)) ? readFileSync(path.join(dir, log), 'utf8').trim().split('\n').length : 0;

t.test('nothing changed: not run, holds no slot; its dependents treat it as done', async (t) => {
  const dir = tempProject(files);
  t.equal((await runMain([], { cwd: dir })).code, 0);
  const second = await runMain(['--report', 'r.json'], { cwd: dir });
  t.equal(second.code, 0, second.stderr);
  t.equal(lines(dir, 'build.log'), 1, 'build ran once');
  t.equal(lines(dir, 'deploy.log'), 1, 'deploy ran once');
  t.equal(lines(dir, 'notify.log'), 2, 'a task without inputs always runs');
  const report = readJson<RunReport>(path.join(dir, 'r.json'));
  t.same(
    report.tasks.map((task) => [task.name, task.status, task.startMs]),
    [
      ['api:build', 'up-to-date', null],
      ['api:deploy', 'up-to-date', null],
      ['api:notify', 'ok', report.tasks[2]!.startMs],
    ],
  );
  t.match(
    second.stdout,
    /^api:build +│ ≡ up to date: its 1 input file, command, env and dependencies are those of its last successful run/m,
  );
  t.match(second.stdout, /2 up-to-date/);
  const history = await runMain(['history', '--format', 'json'], { cwd: dir });
  const stats = JSON.parse(history.stdout) as { tasks: { name: string; runs: number }[] };
  t.equal(stats.tasks.find((task) => task.name === 'api:build')!.runs, 1, 'an up-to-date task does not enter duration statistics');
});

t.test('--dry-run and --explain say what would run and exactly why', async (t) => {
  const dir = tempProject(files);
  const first = await runMain(['--dry-run'], { cwd: dir });
  t.match(first.stdout, /\(3 would run, 0 up to date\)/);
  t.match(first.stdout, /would run: no successful run of it is recorded/);
  t.match(first.stdout, /api:notify\n.*\n.*\n {6}would run: it declares no inputs, so it always runs/);
  await runMain([], { cwd: dir });
  writeFileSync(path.join(dir, 'api/src/main.ts'), 'v2');
  writeFileSync(path.join(dir, 'api/src/extra.ts'), 'new');
  writeFileSync(path.join(dir, 'api/src/README.md'), 'docs changed, excluded by !**/*.md');
  const dry = await runMain(['--dry-run'], { cwd: dir });
  t.match(dry.stdout, /api:build\n(?:.*\n){2} {6}would run: 2 input files changed: src\/extra\.ts \(added\), src\/main\.ts \(changed\)\n/);
  t.match(dry.stdout, /api:deploy\n(?:.*\n){2} {6}would run: a dependency changed: api:build \(it runs too\)\n/);
  const explain = await runMain(['--explain', 'api:build'], { cwd: dir });
  t.match(
    explain.stdout,
    /^api:build: would run\n {2}because 2 input files changed: src\/extra\.ts \(added\), src\/main\.ts \(changed\)\n {2}key [0-9a-f]{16}, from:\n {4}2 input files: src\/extra\.ts, src\/main\.ts\n/,
  );
  await runMain([], { cwd: dir });
  const env = await runMain(['--dry-run'], { cwd: dir, env: { NODE_ENV: 'production' } });
  t.match(env.stdout, /would run: env changed: NODE_ENV \(changed\)/, 'the name, never the value');
  t.notMatch(env.stdout, /production/);
  rmSync(path.join(dir, 'api/src/extra.ts'));
  const removed = await runMain(['--explain', 'api:build'], { cwd: dir });
  t.match(removed.stdout, /because 1 input file changed: src\/extra\.ts \(removed\)/);
  const bad = await runMain(['--explain', 'api:biuld'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /did you mean 'api:build'\?/);
});

t.test('--force runs everything; --force NAME that task and what depends on it', async (t) => {
  const dir = tempProject(files);
  await runMain([], { cwd: dir });
  await runMain(['--force', 'api:deploy'], { cwd: dir });
  t.equal(lines(dir, 'build.log'), 1);
  t.equal(lines(dir, 'deploy.log'), 2, 'the named task ran');
  await runMain(['--force'], { cwd: dir });
  t.equal(lines(dir, 'build.log'), 2);
  const dry = await runMain(['--force', 'api:build', '--dry-run'], { cwd: dir });
  t.match(dry.stdout, /would run: forced: --force api:build\n/);
  t.match(dry.stdout, /would run: forced: --force api:build \(it depends on a forced task\)/);
  const typo = await runMain(['--force', 'api:biuld'], { cwd: dir });
  t.equal(typo.code, 2);
  t.match(typo.stderr, /--force api:biuld: no task or service of that name among the tasks this run plans \(did you mean 'api:build'\?\)/);
  const noInputs = tempProject({
    'deployfile.ts':
      "import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('build', { run: 'touch ran' });\nexport default p;\n",
  });
  const unchecked = await runMain(['build', '--force', 'biuld'], { cwd: noInputs });
  t.equal(unchecked.code, 2, 'a mistyped name is refused even where no task declares inputs');
  t.match(unchecked.stderr, /--force biuld: no task or service of that name .*\(did you mean 'build'\?\)/);
  t.notOk(existsSync(path.join(noInputs, 'ran')), 'and nothing ran');
});

t.test('STAGERUN_HASH, ctx.hash and `stagerun hash` are the same key', async (t) => {
  const dir = tempProject(files);
  await runMain(['api:build', 'fn'], { cwd: dir });
  const hash = await runMain(['hash', 'api:build'], { cwd: dir });
  t.equal(hash.code, 0, hash.stderr);
  t.match(hash.stdout, /^[0-9a-f]{16}\n$/);
  t.equal(readFileSync(path.join(dir, 'build.log'), 'utf8'), `built ${hash.stdout}`);
  const fn = await runMain(['hash', 'fn'], { cwd: dir });
  const ran = await runMain(['fn', '--force'], { cwd: dir });
  t.match(ran.stdout, new RegExp(`^fn +│ hash ${fn.stdout.trim()}$`, 'm'), 'a function task gets it as ctx.hash');
  const service = await runMain(['hash', 'api'], { cwd: dir });
  t.equal(service.code, 2);
  t.match(service.stderr, /stagerun hash takes one task; api is a service\n {2}its tasks: api:build, api:deploy, api:notify/);
});

t.test('a failed run forgets the key: the task runs again next time', async (t) => {
  const dir = tempProject({
    ...files,
    'deployfile.ts': deployfile.replace("run: 'echo deployed >> ../deploy.log'", "run: 'echo deployed >> ../deploy.log; [ ! -f ../fail ]'"),
  });
  await runMain([], { cwd: dir });
  writeFileSync(path.join(dir, 'fail'), '');
  await runMain(['--force', 'api:deploy'], { cwd: dir });
  rmSync(path.join(dir, 'fail'));
  const dry = await runMain(['--dry-run'], { cwd: dir });
  t.match(dry.stdout, /api:deploy\n(?:.*\n){2} {6}would run: no successful run of it is recorded/);
});

t.test('a damaged keys file: a warning, everything runs, and the file is rewritten', async (t) => {
  const dir = tempProject(files);
  await runMain([], { cwd: dir });
  appendFileSync(path.join(dir, '.stagerun/keys.json'), '{garbage');
  const result = await runMain([], { cwd: dir });
  t.equal(result.code, 0);
  t.match(result.stderr, /^stagerun: warning: .*keys\.json is damaged \(.*\); every task runs, and it is rewritten after this run$/m);
  t.equal(lines(dir, 'build.log'), 2);
  const again = await runMain([], { cwd: dir });
  t.equal(again.stderr, '', 'rewritten whole');
  t.equal(lines(dir, 'build.log'), 2);
});

t.test('a keys file that cannot be written: a warning naming the file and why; the run keeps its exit code', async (t) => {
  const dir = tempProject(files);
  mkdirSync(path.join(dir, '.stagerun/keys.json'), { recursive: true });
  const result = await runMain([], { cwd: dir });
  t.equal(result.code, 0);
  t.match(result.stderr, /^stagerun: warning: .*keys\.json cannot be read \(.*\); every task runs$/m);
  t.match(
    result.stderr,
    /^stagerun: warning: the tasks' keys were not recorded in .*\.stagerun\/keys\.json: it is a directory, not a file$/m,
  );
});

t.test('Ctrl-C before the inputs are hashed: hashing stops, nothing runs, exit 130', async (t) => {
  // The deployfile itself sends the interrupt, just after it has loaded (while it loads, the
  // interrupt is the default action's: see cli/signals.ts), so that it arrives before the hashing.
  const signals = new FakeSignals();
  (globalThis as { stagerunTestInterrupt?: () => void }).stagerunTestInterrupt = () => signals.send('SIGINT');
  t.teardown(() => delete (globalThis as { stagerunTestInterrupt?: () => void }).stagerunTestInterrupt);
  const dir = tempProject({
    ...files,
    'deployfile.ts': deployfile.replace(
      'export default p;',
      'setImmediate(() => (globalThis as any).stagerunTestInterrupt());\nexport default p;',
    ),
  });
  const dryRun = await runMain(['--dry-run'], { cwd: dir, signals });
  t.equal(dryRun.code, 130);
  t.equal(dryRun.stdout, '', 'no plan is printed for an interrupted dry run');
  const result = await runMain([], { cwd: dir, signals });
  t.equal(result.code, 130);
  t.match(result.stdout, /■ interrupted: api \(-j\d+, dag\): 3 cancelled/);
  t.equal(lines(dir, 'build.log'), 0, 'nothing ran');
  t.notOk(existsSync(path.join(dir, '.stagerun/keys.json')), 'no keys recorded');
});

t.test('the seed example with inputs: a second run runs nothing, and says why', async (t) => {
  const dir = copyExample('seed-services');
  const env = { DEPLOY_SECONDS: '0.05' };
  t.equal((await runMain(['deploy', '-j2'], { cwd: dir, env })).code, 0);
  const second = await runMain(['deploy', '-j2', '--report', 'r.json'], { cwd: dir, env });
  t.equal(second.code, 0);
  const report = readJson<RunReport>(path.join(dir, 'r.json'));
  t.ok(
    report.tasks.filter((task) => task.command).every((task) => task.status === 'up-to-date'),
    'every deploy is up to date',
  );
  t.ok(report.makespanMs < 50, `nothing ran (${report.makespanMs} ms)`);
  const dry = await runMain(['deploy', '--dry-run'], { cwd: dir });
  t.match(dry.stdout, /\(0 would run, 6 up to date\)/);
});
