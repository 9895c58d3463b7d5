// `stagerun report --format html` in-process: the latest run or one by id, the merged run of
// CI jobs, the figures from history and the predictions, and what happens without them.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { runMain, tempProject } from '../helpers/cli.js';

const deployfile = `import { pipeline } from 'stagerun';
const p = pipeline({ secrets: ['DEPLOY_TOKEN'] });
p.task('build', { run: 'sleep 0.05; echo built' });
p.task('test', { run: 'sleep 0.05', deps: ['build'] });
p.task('deploy', { run: 'echo "pushing with $DEPLOY_TOKEN"; echo "<b>refused</b>" >&2; exit 3', deps: ['test'] });
export default p;
`;
const env = { DEPLOY_TOKEN: 'hunter2-secret-value' };

t.test("the latest run's page: every task, the failed task's lines masked, predictions from history", async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  t.equal((await runMain(['build', 'test', '-j2'], { cwd: dir, env })).code, 0);
  t.equal((await runMain(['deploy', '-j2'], { cwd: dir, env })).code, 1);
  const page = await runMain(['report', '--format', 'html'], { cwd: dir, env });
  t.equal(page.code, 0, page.stderr);
  t.equal(page.stderr, '');
  const html = page.stdout;
  t.match(html, /^<!doctype html>/);
  for (const [name, status] of [
    ['build', 'ok'],
    ['test', 'ok'],
    ['deploy', 'failed'],
  ])
    t.match(html, `<tr data-task="${name}" data-status="${status}"`);
  t.match(html, /<pre class="tail" data-task="deploy">pushing with \*\*\*\n&lt;b&gt;refused&lt;\/b&gt;<\/pre>/, 'masked and escaped');
  t.notMatch(html, 'hunter2');
  t.match(html, /<tr data-jobs="1"><td class="num[^"]*">-j1<\/td>/, 'predictions at -j1…');
  t.match(html, /<tr data-jobs="3">/, '…to -j3: three tasks');
  t.notMatch(html, /data-jobs="4"/, 'never more jobs than tasks');
  t.match(html, /Simulated for \S+ with \d+ cores? from 2 recorded runs there/);

  // The page reads history once: a damaged line is one warning (it was one per read: two).
  appendFileSync(path.join(dir, '.stagerun/history.jsonl'), '{"torn":\n');
  const damaged = await runMain(['report', '--format', 'html'], { cwd: dir, env });
  t.equal(damaged.code, 0);
  t.equal(damaged.stderr.match(/damaged line skipped/g)?.length, 1, damaged.stderr);
  t.match(damaged.stdout, /Simulated for \S+ with \d+ cores? from 2 recorded runs there/, 'the predictions still from both runs');

  const first = await runMain(['history', '--format', 'json'], { cwd: dir });
  const id = (JSON.parse(first.stdout) as { runs: { id: string }[] }).runs[1]!.id;
  const byId = await runMain(['report', '--run', id, '--format', 'html'], { cwd: dir });
  t.match(byId.stdout, `data-run="${id}" data-status="ok"`);
  t.notMatch(byId.stdout, 'data-task="deploy"', 'the first run had no deploy');
});

t.test('a deployfile that no longer loads, or no longer has the tasks, only takes the predictions away', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  await runMain(['build', '-j2'], { cwd: dir, env });
  writeFileSync(path.join(dir, 'deployfile.ts'), deployfile.replace("p.task('build'", "p.task('compile'").replace("'build'", "'compile'"));
  const renamed = await runMain(['report', '--format', 'html'], { cwd: dir });
  t.equal(renamed.code, 0);
  t.match(renamed.stdout, 'No predictions at other -j: the deployfile no longer has build');
  writeFileSync(path.join(dir, 'deployfile.ts'), 'export default 42;\n');
  const broken = await runMain(['report', '--format', 'html'], { cwd: dir });
  t.equal(broken.code, 0);
  t.match(broken.stdout, 'No predictions at other -j: the deployfile could not be loaded (');
  t.match(broken.stdout, 'data-task="build" data-status="ok"');
});

t.test("a CI job's report that is not what stagerun writes is refused, naming the file and the task", async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  t.equal((await runMain(['build', '--no-deps', '--report', 'stagerun-report-build.json'], { cwd: dir, env })).code, 0);
  const file = path.join(dir, 'stagerun-report-build.json');
  const report = JSON.parse(readFileSync(file, 'utf8'));
  report.tasks[0].status = '"><script>alert(1)</script>';
  writeFileSync(file, JSON.stringify(report));
  const merged = await runMain(['report', '--merge', '--format', 'html'], { cwd: dir });
  t.equal(merged.code, 2);
  t.equal(merged.stdout, '');
  t.match(merged.stderr, /stagerun-report-build\.json is not a run report: task 1 \("build"\): its status .* is not a task status/);
});

t.test('--merge: the CI jobs as one run, each job a lane; without a deployfile, no predictions', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  t.equal((await runMain(['build', '--no-deps', '--report', 'stagerun-report-build.json'], { cwd: dir, env })).code, 0);
  t.equal((await runMain(['test', '--no-deps', '--report', 'stagerun-report-test.json'], { cwd: dir, env })).code, 0);
  const merged = await runMain(['report', '--merge', '--format', 'html'], { cwd: dir });
  t.equal(merged.code, 0, merged.stderr);
  t.match(merged.stdout, '<dt>CI jobs</dt><dd>2</dd>');
  t.match(merged.stdout, 'one lane per CI job');
  t.match(merged.stdout, />job 2<\/text>/);
  t.match(merged.stdout, /<path class="edge[^"]*"[^>]*data-from="build" data-to="test"/, 'the dependency comes from the deployfile');
  t.match(merged.stdout, /<tr data-jobs="2">/);

  renameSync(path.join(dir, 'deployfile.ts'), path.join(dir, 'elsewhere.ts'));
  const bare = await runMain(['report', '--merge', '--format', 'html'], { cwd: dir });
  t.equal(bare.code, 0, bare.stderr);
  t.match(bare.stdout, 'No predictions at other -j: there is no deployfile here, so nothing to simulate');
  t.match(bare.stdout, 'data-task="test" data-status="ok"');
});
