// Output in a CI log: the variables each CI system sets pick the style; each task's lines
// are one collapsible group, a failure is an annotation, GitHub gets a job summary.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { runMain, tempProject } from '../helpers/cli.js';

const deployfile = `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('build', { run: 'echo compiling; echo "50% done"; echo linked' });
p.task('deploy', { run: 'echo uploading; echo "no route to host" >&2; exit 7', deps: ['build'] });
p.default('deploy');
export default p;
`;

/** The lines of `text` from the one matching `first` to the one matching `last`, both included. */
function block(text: string, first: RegExp, last: RegExp): string[] {
  const lines = text.split('\n');
  const from = lines.findIndex((line) => first.test(line));
  const to = lines.findIndex((line, index) => index > from && last.test(line));
  return from === -1 || to === -1 ? [] : lines.slice(from, to + 1);
}

t.test('GitHub Actions: a group per task, an error annotation for the failure, the run in the job summary', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const summary = path.join(dir, 'summary.md');
  writeFileSync(summary, '# earlier step\n');
  const result = await runMain([], { cwd: dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary }, tty: true });
  t.equal(result.code, 1);
  const out = result.stdout + result.stderr;
  t.same(
    block(result.stdout, /^::group::build/, /^::endgroup::$/)
      .slice(1)
      .map((line) => line.replace(/ +│/, ' │')),
    ['build │ ▶ echo compiling; echo "50% done"; echo linked', 'build │ compiling', 'build │ 50% done', 'build │ linked', '::endgroup::'],
    "the task's start line and its lines inside its group, in order",
  );
  t.same(
    block(result.stdout, /^::group::deploy/, /^::endgroup::$/)
      .slice(1)
      .map((line) => line.replace(/ +│/, ' │')),
    ['deploy │ ▶ echo uploading; echo "no route to host" >&2; exit 7', 'deploy │ uploading', 'deploy │ no route to host', '::endgroup::'],
    'stderr lines too, in the group, in the order they came',
  );
  t.match(result.stdout, /^::group::build ✓ ok in [\d.]+m?s$/m, 'the group is titled with how the task ended');
  const outside = result.stdout.split(/^::group::[^\n]*\n[\s\S]*?^::endgroup::$/m).join('');
  t.notMatch(outside, /▶/, 'no start line outside a group');
  t.match(result.stdout, /^::group::deploy ✗ failed: exit code 7/m);
  // The annotation's data escapes newlines and %; its title escapes : and ,.
  t.match(
    result.stdout,
    /^::error title=stagerun%3A deploy failed::deploy: exit code 7.*%0A.*no route to host/m,
    'the failure as an annotation, with its last lines',
  );
  t.notMatch(out, /\u001b\[/, 'no colour codes or redraws in a CI log, even on a terminal');
  t.notMatch(out, /running \d+\/\d+/, 'no progress line');
  const page = readFileSync(summary, 'utf8');
  t.match(page, /^# earlier step\n### ❌ stagerun deploy: failed, /, 'appended to what earlier steps wrote');
  t.match(page, /```mermaid\ngantt/);
  t.match(page, /deploy +2 +[\d.]+m?s +[\d.]+m?s +✗ failed/);
});

t.test('GitLab CI: collapsed sections with matching names, and no annotations', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const result = await runMain([], { cwd: dir, env: { GITLAB_CI: 'true' } });
  t.equal(result.code, 1);
  const starts = [...result.stdout.matchAll(/\u001b\[0Ksection_start:(\d+):(stagerun_\d+)\[collapsed=true\]\r\u001b\[0K(.*)/g)];
  const ends = [...result.stdout.matchAll(/\u001b\[0Ksection_end:(\d+):(stagerun_\d+)\r\u001b\[0K/g)];
  t.same(
    starts.map((match) => match[3]!.replace(/ in [\d.]+m?s$/, '')),
    ['build ✓ ok', 'deploy ✗ failed: exit code 7'],
  );
  t.same(
    ends.map((match) => match[2]),
    starts.map((match) => match[2]),
    'each section ends under the name it started with',
  );
  const now = Date.now() / 1000;
  for (const match of starts) t.ok(Math.abs(Number(match[1]) - now) < 60, 'section times are Unix seconds');
  t.notMatch(result.stdout, /::error/);
  t.match(result.stdout, /^deploy +│ uploading$/m);
});

t.test('Bitbucket: plain lines, as on a terminal without colour', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const result = await runMain([], { cwd: dir, env: { BITBUCKET_BUILD_NUMBER: '12' } });
  t.equal(result.code, 1);
  t.notMatch(result.stdout, /::group::|section_start/);
  t.match(result.stdout, /^build +│ compiling\n/m);
  t.match(result.stdout, /^deploy +│ ✗ failed: exit code 7/m);
});

t.test('--ci overrides what the environment says', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const off = await runMain(['--ci', 'none'], {
    cwd: dir,
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'none.md') },
  });
  t.notMatch(off.stdout, /::group::/, '--ci none: plain output on GitHub');
  t.throws(() => readFileSync(path.join(dir, 'none.md')), 'and no job summary');
  const on = await runMain(['--ci', 'github'], { cwd: dir });
  t.match(on.stdout, /^::group::build/m, '--ci github: groups outside GitHub');
  const wrong = await runMain(['--ci', 'jenkins'], { cwd: dir });
  t.equal(wrong.code, 2);
  t.match(wrong.stderr, /^stagerun: --ci must be github, gitlab, bitbucket or none \(got "jenkins"\)$/m);
});

t.test('a job summary that cannot be written is a warning; the run and its exit code stand', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile.replace('exit 7', 'exit 0'), 'blocked/summary.md': '' });
  const result = await runMain([], {
    cwd: dir,
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'blocked/summary.md/x') },
  });
  t.equal(result.code, 0);
  t.match(result.stderr, /the job summary was not written: .*summary\.md\/x/);
});

t.test('GitHub Actions: an up-to-date task has its group too, its line inside', async (t) => {
  const dir = tempProject({
    'deployfile.ts':
      "import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('build', { run: 'echo built', inputs: ['src/**'] });\nexport default p;\n",
    'src/a.ts': 'a',
  });
  await runMain(['build'], { cwd: dir });
  const second = await runMain(['build'], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
  t.equal(second.code, 0);
  t.match(second.stdout, /^::group::build ≡ up to date: [^\n]*\nbuild +│ ≡ up to date: [^\n]*\n::endgroup::$/m);
});
