// --only, --skip and --no-deps through the CLI: what runs, and what --dry-run and --list show.

import { existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { readJson, runMain, tempProject } from '../helpers/cli.js';

const deployfile = `import { pipeline } from 'stagerun';
const p = pipeline();
const api = p.service('api', { dir: '.', tags: ['backend'] });
api.task('build', { run: 'touch built-api' });
api.task('lint', { run: 'touch linted-api', tags: ['fast'] });
api.task('e2e', { run: 'touch e2e-api', deps: ['build'], tags: ['slow'] });
api.task('deploy', { run: 'touch deployed-api', deps: ['build', 'e2e'] });
p.task('all', { deps: [api] });
p.default('all');
export default p;
`;

t.test('--only fast runs the fast checks only', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const result = await runMain(['--only', 'fast', '--no-history'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.ok(existsSync(path.join(dir, 'linted-api')));
  t.notOk(existsSync(path.join(dir, 'built-api')));
});

t.test('--skip slow runs the rest; --dry-run says what was left out', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const dry = await runMain(['api:deploy', '--skip', 'slow', '--dry-run'], { cwd: dir });
  t.match(dry.stdout, /^left out with --skip slow: api:e2e; what depends on them still runs$/m);
  t.match(dry.stdout, /api:deploy \[backend\]\n {6}deps: api:build\n/);
  const result = await runMain(['api:deploy', '--skip', 'slow', '--no-history'], { cwd: dir });
  t.equal(result.code, 0);
  t.ok(existsSync(path.join(dir, 'deployed-api')));
  t.notOk(existsSync(path.join(dir, 'e2e-api')));
});

t.test('--no-deps runs exactly the named task', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const result = await runMain(['api:deploy', '--no-deps', '--no-history'], { cwd: dir });
  t.equal(result.code, 0);
  t.ok(existsSync(path.join(dir, 'deployed-api')));
  t.notOk(existsSync(path.join(dir, 'built-api')), 'its dependencies were trusted to have run');
});

t.test('--list and --dry-run show tags; an unknown selector is an error', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const list = await runMain(['--list'], { cwd: dir });
  t.match(list.stdout, /^task +tags +deps +description$/m);
  t.match(list.stdout, /^api:lint +backend, fast +— *$/m);
  const dry = await runMain(['--only', 'fast,slow', '--dry-run'], { cwd: dir });
  t.match(dry.stdout, /^selected with --only fast,slow \(and what they need\)$/m);
  t.match(dry.stdout, /^ {2}api:e2e \[backend, slow\]$/m);
  const bad = await runMain(['--only', 'fsat'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^stagerun: --only fsat: no task has that tag or name, and no service that name \(did you mean 'fast'\?\)$/m);
});

t.test('a flag takes one value: the words after it stay targets', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const dry = await runMain(['--skip', 'slow', 'api:deploy', '--dry-run'], { cwd: dir });
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /^dry run: api:deploy: 2 tasks/m, 'api:deploy is the target, not a second --skip value');
  const repeated = await runMain(['--only', 'fast', '--only', 'slow', '--dry-run'], { cwd: dir });
  t.match(repeated.stdout, /^selected with --only fast,slow/m, 'repeated flags add up');
});

t.test("from inside a service's directory, a shared name means that service's task, as turbo scopes to a package", async (t) => {
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
for (const name of ['api', 'web']) p.service(name, { dir: 'services/' + name }).task('build', { run: 'echo built >> ran.log' });
export default p;
`,
    'services/api/src/a.ts': 'a',
    'services/web/src/b.ts': 'b',
  });
  const inApi = await runMain(['build', '--report', path.join(dir, 'r.json')], { cwd: path.join(dir, 'services/api/src') });
  t.equal(inApi.code, 0, inApi.stderr);
  t.match(inApi.stderr, /in api's directory, build means api:build/);
  t.same(
    readJson<{ tasks: { name: string }[] }>(path.join(dir, 'r.json')).tasks.map((task) => task.name),
    ['api:build'],
  );
  const named = await runMain(['web:build', '--report', path.join(dir, 'r.json')], { cwd: path.join(dir, 'services/api') });
  t.same(
    readJson<{ tasks: { name: string }[] }>(path.join(dir, 'r.json')).tasks.map((task) => task.name),
    ['web:build'],
    'a full name is as written',
  );
  t.equal(named.stderr.includes('means'), false);
  const root = await runMain(['build', '--report', 'r.json'], { cwd: dir });
  t.same(
    readJson<{ tasks: { name: string }[] }>(path.join(dir, 'r.json')).tasks.map((task) => task.name),
    ['api:build', 'web:build'],
    "from the root, every service's",
  );
  t.equal(root.code, 0);
});
