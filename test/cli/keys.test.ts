// One key per task, whatever runs it; patterns that select nothing; outputs that count; a
// check that asks the target; resuming a failed run.

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { pipeline } from '../../lib/model/model.js';
import type { RunReport } from '../../lib/reports/run-report.js';
import { run } from '../../lib/run/run.js';
import { readJson, runMain, tempProject } from '../helpers/cli.js';

const header = "import { pipeline } from 'stagerun';\nconst p = pipeline();\n";
const logOf = (dir: string, file: string) => (existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : '');
const statusesOf = (report: RunReport) => Object.fromEntries(report.tasks.map((task) => [task.name, task.status]));

const chain = `${header}
p.task('lib', { run: 'echo "lib $STAGERUN_HASH" >> hashes.log', inputs: ['lib/**'] });
p.task('image', { run: 'echo "image $STAGERUN_HASH" >> hashes.log', deps: ['lib'], inputs: ['app/**'] });
export default p;
`;

t.test('a task has one $STAGERUN_HASH under a run, --no-deps, hash, compare and run()', async (t) => {
  const dir = tempProject({ 'deployfile.ts': chain, 'lib/a.ts': 'lib', 'app/main.ts': 'app' });
  const hash = (await runMain(['hash', 'image'], { cwd: dir })).stdout.trim();
  t.match(hash, /^[0-9a-f]{16}$/);
  t.equal((await runMain(['image', '--no-deps'], { cwd: dir })).code, 0);
  t.equal(logOf(dir, 'hashes.log'), `image ${hash}\n`, '--no-deps: the key still covers the dependency');
  const plain = await runMain(['image', '--report', 'r.json'], { cwd: dir });
  t.equal(plain.code, 0, plain.stderr);
  t.same(
    statusesOf(readJson<RunReport>(path.join(dir, 'r.json'))),
    { lib: 'ok', image: 'up-to-date' },
    'after --no-deps, a plain run is up to date',
  );
  rmSync(path.join(dir, 'hashes.log'));
  t.equal((await runMain(['compare', 'image', '-j', '1', '--yes'], { cwd: dir })).code, 0);
  t.match(logOf(dir, 'hashes.log'), new RegExp(`^image ${hash}$`, 'm'), 'measured compare gives tasks their key');
  rmSync(path.join(dir, 'hashes.log'));
  const p = pipeline({ root: dir });
  p.task('lib', { run: 'echo "lib $STAGERUN_HASH" >> hashes.log', inputs: ['lib/**'] });
  p.task('image', { run: 'echo "image $STAGERUN_HASH" >> hashes.log', deps: ['lib'], inputs: ['app/**'] });
  // Built in code, the pipeline has no deployfile: its keys are those of the same tasks in the same root.
  await run(p, { targets: ['image'], jobs: 1 });
  t.match(logOf(dir, 'hashes.log'), new RegExp(`^image ${hash}$`, 'm'), 'run() without upToDate gives tasks their key');
});

t.test('a pattern that selects nothing is named on every run, in --dry-run and --explain', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('build', { run: 'true', inputs: ['src/**/*.tss', 'gen/**', '../outside/*'] });\nexport default p;\n`,
    'src/a.ts': 'a',
    'gen/out.js': 'generated',
    '.gitignore': 'gen/\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
  });
  for (const args of [['build'], ['build'], ['build', '--dry-run'], ['--explain', 'build']]) {
    const result = await runMain(args, { cwd: dir });
    t.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    t.match(result.stderr, /build: inputs pattern 'src\/\*\*\/\*\.tss' matches no file/, `${args.join(' ')}: a typo`);
    t.match(result.stderr, /build: inputs pattern 'gen\/\*\*' matches only files that \.gitignore ignores/, `${args.join(' ')}: ignored`);
    t.match(result.stderr, /build: inputs pattern '\.\.\/outside\/\*' reaches outside the project/, `${args.join(' ')}: outside`);
  }
  const explained = await runMain(['--explain', 'build'], { cwd: dir });
  t.match(explained.stdout, /warning: inputs pattern 'src\/\*\*\/\*\.tss' matches no file/);
  t.match(explained.stdout, /its inputs patterns: 'src\/\*\*\/\*\.tss', 'gen\/\*\*', '\.\.\/outside\/\*'/);
});

t.test('changing a pattern runs the task again; so do missing outputs, and --explain says which', async (t) => {
  const task = (inputs: string) =>
    `${header}p.task('build', { run: 'mkdir -p dist && echo built >> ../build.log && touch dist/app.js', cwd: 'web', inputs: [${inputs}], outputs: ['dist/app.js'] });\nexport default p;\n`;
  const dir = tempProject({ 'deployfile.ts': task("'src/**'"), 'web/src/a.ts': 'a', 'web/README.md': 'docs' });
  await runMain(['build'], { cwd: dir });
  await runMain(['build'], { cwd: dir });
  t.equal(logOf(dir, 'build.log'), 'built\n', 'up to date the second time');
  writeFileSync(path.join(dir, 'deployfile.ts'), task("'src/**', 'README.md'"));
  const explained = await runMain(['--explain', 'build'], { cwd: dir });
  t.match(explained.stdout, /because .*1 input file changed: README\.md \(added\)/);
  t.match(explained.stdout, /because its inputs patterns changed/);
  await runMain(['build'], { cwd: dir });
  t.equal(logOf(dir, 'build.log'), 'built\nbuilt\n', 'a changed pattern runs it');
  rmSync(path.join(dir, 'web/dist'), { recursive: true });
  const missing = await runMain(['--explain', 'build'], { cwd: dir });
  t.match(missing.stdout, /would run\n {2}because its outputs are missing: dist\/app\.js/);
  await runMain(['build'], { cwd: dir });
  t.equal(logOf(dir, 'build.log'), 'built\nbuilt\nbuilt\n', 'missing outputs run it, as make rebuilds a missing target');
  t.ok(existsSync(path.join(dir, 'web/dist/app.js')));
});

t.test('check: the target says whether the effect exists; one that cannot run never skips', async (t) => {
  const registry = 'registry.txt';
  const dir = tempProject({
    'deployfile.ts': `${header}
p.task('push', {
  run: 'echo "pushed $STAGERUN_HASH" >> pushes.log && echo "$STAGERUN_HASH" >> ${registry}',
  inputs: ['app/**'],
  check: 'grep -qx "$STAGERUN_HASH" ${registry}',
});
p.task('broken', { run: 'echo ran >> broken.log', check: 'no-such-registry-tool inspect "$STAGERUN_HASH"' });
p.task('argv', { run: 'echo ran >> argv.log', check: ['sh', '-c', 'exit 1'] });
export default p;
`,
    'app/main.ts': 'v1',
    [registry]: '',
  });
  const first = await runMain(['push', 'broken', 'argv', '--report', 'r1.json'], { cwd: dir });
  t.equal(first.code, 0, first.stderr);
  t.same(statusesOf(readJson<RunReport>(path.join(dir, 'r1.json'))), { push: 'ok', broken: 'ok', argv: 'ok' });
  t.match(first.stderr, /broken: check `no-such-registry-tool inspect "\$STAGERUN_HASH"` could not run \(exit 127: command not found/);
  // A fresh checkout: no .stagerun/keys.json, the registry already has the image.
  rmSync(path.join(dir, '.stagerun'), { recursive: true });
  const fresh = await runMain(['push', 'broken', 'argv', '--report', 'r2.json'], { cwd: dir });
  t.equal(fresh.code, 0, fresh.stderr);
  const report = readJson<RunReport>(path.join(dir, 'r2.json'));
  t.same(statusesOf(report), { push: 'up-to-date', broken: 'ok', argv: 'ok' }, 'the check found it; the others ran');
  t.match(report.tasks[0]!.reason, /^check `grep -qx "\$STAGERUN_HASH" registry\.txt` found its effect for key [0-9a-f]{16} \(exit 0\)$/);
  t.match(fresh.stdout, /^push +│ ≡ up to date: check `grep/m, 'the terminal names the check');
  t.equal(logOf(dir, 'pushes.log').split('\n').filter(Boolean).length, 1, 'pushed once');
  writeFileSync(path.join(dir, 'app/main.ts'), 'v2');
  const explained = await runMain(['--explain', 'push'], { cwd: dir });
  t.match(explained.stdout, /push: would run\n {2}because check `.*` did not find its effect for key [0-9a-f]{16} \(exit 1\)/);
  const history = await runMain(['history', '--format', 'json', '--limit', '1'], { cwd: dir });
  t.equal(history.code, 0);
});

t.test('--resume runs only what failed and what follows; without a recorded run it says so (exit 2)', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}
p.task('a', { run: 'echo a >> ran.log' });
p.task('b', { run: 'echo b >> ran.log; test -f fixed', deps: ['a'] });
p.task('c', { run: 'echo c >> ran.log', deps: ['b'] });
p.task('side', { run: 'echo side >> ran.log' });
p.task('all', { deps: ['c', 'side'] });
export default p;
`,
  });
  const none = await runMain(['all', '--resume'], { cwd: dir });
  t.equal(none.code, 2);
  t.match(none.stderr, /--resume: no recorded run of all to resume/);
  t.equal((await runMain(['all', '-j1', '-k'], { cwd: dir })).code, 1);
  writeFileSync(path.join(dir, 'fixed'), '');
  writeFileSync(path.join(dir, 'ran.log'), '');
  const resumed = await runMain(['all', '-j1', '--resume', '--report', 'r.json'], { cwd: dir });
  t.equal(resumed.code, 0, resumed.stderr);
  t.match(resumed.stderr, /resuming run \S+ \(failed\): 2 tasks kept, 2 to run/);
  t.equal(logOf(dir, 'ran.log'), 'b\nc\n', 'only the failed task and what follows it');
  const report = readJson<RunReport>(path.join(dir, 'r.json'));
  t.same(statusesOf(report), { a: 'up-to-date', b: 'ok', c: 'ok', side: 'up-to-date', all: 'ok' });
  t.match(report.tasks[0]!.reason, /^it succeeded in run \S+, which this run resumes$/);
});

t.test('--explain T explains T: without a default target, and whatever --no-deps or the targets say', async (t) => {
  const dir = tempProject({ 'deployfile.ts': chain, 'lib/a.ts': 'lib', 'app/main.ts': 'app' });
  const bare = await runMain(['--explain', 'image'], { cwd: dir });
  t.equal(bare.code, 0, bare.stderr);
  t.match(bare.stdout, /^image: would run$/m);
  const noDeps = await runMain(['lib', '--no-deps', '--explain', 'image'], { cwd: dir });
  t.equal(noDeps.code, 0, noDeps.stderr);
  t.match(noDeps.stdout, /^image: would run\n {2}because no successful run of it is recorded/m);
});

t.test('a check is ended whole when it takes too long or the run is interrupted', async (t) => {
  const { runCheck } = await import('../../lib/keys/check.js');
  const { validatePipeline } = await import('../../lib/plan/plan.js');
  const dir = tempProject({});
  const p = pipeline({ root: dir });
  p.task('slow', { run: 'true', check: 'sleep 5; echo late' });
  const task = validatePipeline(p).byName.get('slow')!;
  const started = Date.now();
  const result = await runCheck(task, 'abc', { env: process.env, timeoutMs: 300 });
  t.same(result.kind, 'failed');
  t.match((result as { reason: string }).reason, /could not run: it took longer than 300ms/);
  t.ok(Date.now() - started < 3000, 'the shell and its sleep were ended, not waited for');
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const again = Date.now();
  await t.rejects(runCheck(task, 'abc', { env: process.env, signal: controller.signal }), { name: 'AbortError' });
  t.ok(Date.now() - again < 3000, 'an interrupt ends it at once');
});
