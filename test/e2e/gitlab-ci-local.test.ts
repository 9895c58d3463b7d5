// The GitLab export of the release example run for real by gitlab-ci-local (shell executor,
// each job in its own copy of the checkout, artifacts passed along needs): every job runs
// after what it needs, the approval gate (a manual job nobody names) does not hold up the
// summary, and the summary saves the merged run as JSON and as the HTML page. The one change
// to the export: the install step (`npm ci`, which needs the registry) links this checkout.
// gitlab-ci-local 4.72 is the last to run on Node 20; it copies checkouts with rsync.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { copyExample, repoRoot, runMain } from '../helpers/cli.js';

const rsync = spawnSync('sh', ['-c', 'command -v rsync'], { encoding: 'utf8' }).status === 0;
const skip = rsync ? false : "no rsync here (gitlab-ci-local copies each job's checkout with it): the GitLab export was not run";

t.test('gitlab-ci-local runs the GitLab export of the release example', { skip }, async (t) => {
  const dir = copyExample('release-pipeline');
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.stagerun\n.gitlab-ci-local\nstagerun-report-*.json\nstagerun-run.*\n');
  const exported = await runMain(['export', 'gitlab-ci'], { cwd: dir });
  t.equal(exported.code, 0, exported.stderr);
  const install = `mkdir -p node_modules/.bin && ln -sfn ${repoRoot} node_modules/stagerun && ln -sfn ../stagerun/dist/cli.js node_modules/.bin/stagerun`;
  t.match(exported.stdout, /^ {4}- npm ci$/m);
  writeFileSync(path.join(dir, '.gitlab-ci.yml'), exported.stdout.replace(/^ {4}- npm ci$/m, `    - ${JSON.stringify(install)}`));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'release');
  const run = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/gitlab-ci-local/dist/index.js'), '--force-shell-executor', '--shell-isolation'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', STAND_IN_SCALE: '0.1', NO_COLOR: '1' }, timeout: 120_000 },
  );
  const log = `${run.stdout}${run.stderr}`;
  t.equal(run.status, 0, log.slice(-3000));

  // The order jobs started and finished in, from the log, against each job's needs in the file.
  const events = [...log.matchAll(/^(\S+)\s+(starting|finished)\b/gm)].map((match) => ({ job: match[1]!, what: match[2]! }));
  const { parse } = await import('yaml');
  const pipeline = parse(readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')) as Record<
    string,
    { needs?: (string | { job: string })[]; when?: string }
  >;
  const jobs = Object.entries(pipeline).filter(([name, value]) => !['stages', 'default'].includes(name) && typeof value === 'object');
  for (const [name, job] of jobs) {
    const started = events.findIndex((event) => event.job === name && event.what === 'starting');
    if (job.when === 'manual') {
      t.equal(started, -1, `${name}: the approval gate is a manual job, not run unless named`);
      continue;
    }
    t.ok(started >= 0, `${name} ran`);
    for (const need of job.needs ?? []) {
      const needed = typeof need === 'string' ? need : need.job;
      const finished = events.findIndex((event) => event.job === needed && event.what === 'finished');
      t.ok(finished >= 0 && finished < started, `${name} started after ${needed} finished`);
    }
  }
  t.match(log, /PASS\s+stagerun-summary/, 'the summary ran without the gate');
  const page = path.join(dir, 'stagerun-run.html');
  t.ok(existsSync(path.join(dir, 'stagerun-run.json')) && existsSync(page), 'the summary saved the merged run and its page');
  const html = readFileSync(page, 'utf8');
  for (const task of ['infra:deploy', 'api:build', 'web:deploy-staging', 'smoke']) t.match(html, `<tr data-task="${task}"`);
  t.match(html, '<tr data-task="smoke" data-status="flaky"', 'the flaky retry, seen across jobs');
});
