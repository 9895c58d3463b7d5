// The documentation's examples are the files that run or are tested: docs/testing.md shows
// examples/testing/test/* verbatim, and both run here (the tap one through tap's include);
// docs/scaling-out.md shows the export golden files that test/export.test.ts checks.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { repoRoot } from './helpers/cli.js';

const examples = ['examples/testing/test/deployfile.test.ts', 'examples/testing/test/deployfile.node-test.mjs'];

t.test('docs/testing.md shows the example tests as they are', async (t) => {
  const doc = readFileSync(path.join(repoRoot, 'docs/testing.md'), 'utf8');
  const blocks = [...doc.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((match) => match[1]!);
  for (const file of examples) {
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    t.ok(blocks.includes(text), `${file} is in docs/testing.md word for word`);
  }
});

t.test('the node:test example passes', async (t) => {
  const result = spawnSync(process.execPath, ['--test', examples[1]!], { cwd: repoRoot, encoding: 'utf8' });
  t.equal(result.status, 0, result.stdout.slice(-2000));
  t.match(result.stdout, /# pass 3\n# fail 0/);
});

t.test('docs/scaling-out.md shows the seed example as stagerun exports it (the golden files)', async (t) => {
  const doc = readFileSync(path.join(repoRoot, 'docs/scaling-out.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
  for (const engine of ['github-actions', 'gitlab-ci', 'bitbucket']) {
    const file = `test/fixtures/export/seed-services.${engine}.yml`;
    t.ok(blocks.includes(readFileSync(path.join(repoRoot, file), 'utf8')), `${file} is in docs/scaling-out.md word for word`);
  }
});

t.test('the docs name every status, policy, CI system and export engine the tables declare', async (t) => {
  const { TASK_STATUS_TABLE, TASK_STATUSES } = await import('../lib/events/statuses.js');
  const { SCHEDULE_POLICIES } = await import('../lib/schedule/policies.js');
  const { CI_SYSTEMS } = await import('../lib/sinks/ci-systems.js');
  const { ENGINES, ENGINE_TABLE } = await import('../lib/export/engines.js');
  const read = (file: string) => readFileSync(path.join(repoRoot, 'docs', file), 'utf8');
  const deployfile = read('deployfile.md');
  const cli = read('cli.md');
  for (const status of TASK_STATUSES) {
    t.match(deployfile, new RegExp(`^\\| \`${status}\` \\|`, 'm'), `docs/deployfile.md's table of statuses has ${status}`);
    t.ok(cli.includes(`\`${TASK_STATUS_TABLE[status].mark}\` ${status}`), `docs/cli.md gives ${status} its mark`);
  }
  t.ok(cli.includes(`| \`--schedule ${SCHEDULE_POLICIES.join('\\|')}\` |`), 'docs/cli.md lists every schedule policy');
  t.ok(cli.includes(`| \`--ci ${[...CI_SYSTEMS, 'none'].join('\\|')}\` |`), 'docs/cli.md lists every CI system');
  t.ok(cli.includes(`stagerun export ${ENGINES.join('|')} `), 'docs/cli.md lists every export engine');
  const scaling = read('scaling-out.md');
  for (const engine of ENGINES) t.ok(scaling.includes(ENGINE_TABLE[engine].title), `docs/scaling-out.md covers ${engine}`);
});
