// The published package works in an unrelated project: npm pack, install the tarball, run.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { repoRoot } from '../helpers/cli.js';

t.test('npm pack → npm install into an empty project → npx stagerun deploy -j2', async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'stagerun-pack-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  // dist/ is already built by `npm test`; skip `prepack` so that packing does not rebuild it.
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
  // Installing it must run nothing of ours: npm asks to approve any install script (prepare).
  const manifest = JSON.parse(execFileSync('tar', ['-xOzf', path.join(work, tarball), 'package/package.json'], { encoding: 'utf8' }));
  t.notOk('prepare' in manifest.scripts, 'the published package.json has no prepare script');
  t.notOk('install' in manifest.scripts || 'postinstall' in manifest.scripts || 'preinstall' in manifest.scripts);
  const project = path.join(work, 'project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'someone-elses-repo', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', path.join(work, tarball)], {
    cwd: project,
    stdio: 'pipe',
    timeout: 120_000,
  });
  writeFileSync(
    path.join(project, 'deployfile.ts'),
    `import { pipeline, type TaskContext } from 'stagerun';
const p = pipeline();
const a = p.task('service_a', { run: 'sleep 0.5; echo A deployed', description: 'Deploy A' });
p.task('service_b', { run: ['sh', '-c', 'sleep 0.5; echo B deployed'] });
p.task('service_d', { deps: [a, 'service_b'], run: async ({ log }: TaskContext) => log('D deployed') });
p.task('deploy', { deps: ['service_d'] });
p.default('deploy');
export default p;
`,
  );
  const output = execFileSync('npx', ['--no-install', 'stagerun', 'deploy', '-j2', '--report', 'r.json'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  t.match(output, /^service_a │ A deployed$/m);
  t.match(output, /^service_d │ D deployed$/m);
  t.match(output, /✓ deploy \(-j2, dag\): 3 ok; makespan/);
  const version = execFileSync('npx', ['--no-install', 'stagerun', '--version'], { cwd: project, encoding: 'utf8' });
  t.match(version, /^\d+\.\d+\.\d+$/m);
});
