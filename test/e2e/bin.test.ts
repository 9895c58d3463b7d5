// What only the real bin can show: --version and --help without loading the app, and exiting when the command is done.
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { repoRoot, runCli, runMain, tempProject } from '../helpers/cli.js';

const header = "import { pipeline } from 'stagerun';\nconst p = pipeline();\n";

t.test('--version, anywhere before --, prints the version and runs nothing', async (t) => {
  const dir = tempProject({ 'deployfile.ts': `${header}p.task('deploy', { run: 'touch ran' });\nexport default p;\n` });
  const version = await runCli(['--version'], { cwd: dir });
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const notRun = await runCli(['deploy', '--version'], { cwd: dir });
  t.equal(notRun.stdout, version.stdout, '--version after a target prints the version and runs nothing');
});

t.test('--help is printed from the text the build kept, and is what yargs prints', async (t) => {
  const dir = tempProject();
  const kept = readFileSync(path.join(repoRoot, 'dist/help-100.txt'), 'utf8');
  const help = await runCli(['--help'], { cwd: dir });
  t.equal(help.code, 0);
  t.equal(help.stdout, kept, 'off a terminal, the 100-column text');
  for (const columns of [100, 110]) {
    const fromYargs = await runMain(['--help'], { cwd: dir, columns });
    t.equal(
      readFileSync(path.join(repoRoot, `dist/help-${columns}.txt`), 'utf8'),
      fromYargs.stdout,
      `${columns} columns: as yargs prints it`,
    );
  }
  const command = await runCli(['compare', '--help'], { cwd: dir });
  t.match(command.stdout, /^stagerun compare \[targets\.\.\]/, "a command's help still comes from yargs");
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

t.test("a task finds its package's tools in node_modules/.bin of its directory or above, as npm run does", async (t) => {
  const tool = (name: string) => `#!/bin/sh\necho "${name} from $(pwd | sed 's|.*/||')"\n`;
  const dir = tempProject({
    'deployfile.ts': `${header}const api = p.service('api', { dir: 'services/api' });
api.task('build', { run: 'apitool && roottool' });
api.task('argv', { run: ['apitool'] });
export default p;
`,
    'node_modules/.bin/roottool': tool('root tool'),
    'services/api/node_modules/.bin/apitool': tool('api tool'),
  });
  chmodSync(path.join(dir, 'node_modules/.bin/roottool'), 0o755);
  chmodSync(path.join(dir, 'services/api/node_modules/.bin/apitool'), 0o755);
  // Started by its path, with a PATH that holds neither folder (node is found by its own path).
  const result = await runCli(['api:build', 'api:argv', '--no-progress', '--output', 'grouped'], {
    cwd: path.join(dir, 'services/api'),
    env: { PATH: '/usr/bin:/bin' },
  });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /api tool from api/, "the service's own node_modules/.bin, for a shell command and for argv");
  t.match(result.stdout, /root tool from api/, 'node_modules/.bin of a folder above');
});
