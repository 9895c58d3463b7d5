// Every user mistake: a message naming the file, task and value; exit code 2; no stack trace.
// The CLI runs in-process: what it printed and returned is read back directly.
import t from 'tap';
import { runMain, tempProject } from '../helpers/cli.js';
import type { Tap } from '../helpers/tap.js';

const header = "import { pipeline } from 'stagerun';\nconst p = pipeline();\n";

async function expectError(t: Tap, files: Record<string, string>, args: string[], patterns: RegExp[], cwdSub = '') {
  const dir = tempProject(files);
  const result = await runMain(args, { cwd: `${dir}${cwdSub}` });
  t.equal(result.code, 2, `exit code 2 (stderr: ${result.stderr})`);
  for (const pattern of patterns) t.match(result.stderr, pattern);
  t.notMatch(result.stderr, /^\s+at .*:\d+:\d+\)?$/m, 'no stack trace');
  t.notMatch(result.stderr, /internal error/);
  t.equal(result.stdout, '', 'nothing ran');
  return result;
}

t.test('unknown dependency, with "did you mean"', async (t) => {
  await expectError(
    t,
    {
      'deployfile.ts': `${header}p.task('service_a', { run: 'true' });\np.task('service_d', { run: 'true', deps: ['service_x'] });\nexport default p;\n`,
    },
    ['service_d'],
    [
      /^stagerun: deployfile\.ts:4: task 'service_d' depends on 'service_x', which is not a task or service \(did you mean 'service_a'\?\)$/m,
      /^ {2}4 \| p\.task\('service_d', \{ run: 'true', deps: \['service_x'\] \}\);$/m,
    ],
  );
});

t.test('duplicate task name', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('a', { run: 'true' });\np.task('a', { run: 'false' });\nexport default p;\n` },
    ['a'],
    [/^stagerun: deployfile\.ts:4: task 'a' is declared twice; task names must be unique$/m],
  );
});

t.test('cycle printed as a path', async (t) => {
  await expectError(
    t,
    {
      'deployfile.ts': `${header}p.task('a', { run: 'true', deps: ['b'] });\np.task('b', { run: 'true', deps: ['c'] });\np.task('c', { run: 'true', deps: ['a'] });\nexport default p;\n`,
    },
    ['a'],
    [
      /^stagerun: deployfile\.ts:3: dependency cycle: a -> b -> c -> a$/m,
      /'a -> b' means a needs b/,
      /^ {2}3 \| p\.task\('a', \{ run: 'true', deps: \['b'\] \}\);$/m,
    ],
  );
});

t.test('syntax error with file:line:column and the line', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('a', { run: 'true' };\nexport default p;\n` },
    [],
    [
      /^stagerun: deployfile\.ts: could not load the deployfile: Expected "\)" but found ";" at deployfile\.ts:3:28$/m,
      /^ {2}3 \| p\.task\('a', \{ run: 'true' \};$/m,
      /^ {33}\^$/m,
    ],
  );
});

t.test('syntax error on line 1 has the right column', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `const = 1;\n` },
    [],
    [/Expected identifier but found "=" at deployfile\.ts:1:7/, /1 \| const = 1;/],
  );
});

t.test('syntax error in a file the deployfile imports', async (t) => {
  await expectError(
    t,
    {
      'deployfile.ts': `${header}import './services/a.js';\nexport default p;\n`,
      'services/a.ts': `export const x = (;\n`,
    },
    [],
    [/could not load the deployfile: Unexpected ";" at services\/a\.ts:1:19/, /1 \| export const x = \(;/],
  );
});

t.test('syntax errors point at the right file and column, wherever the deployfile is', async (t) => {
  // esbuild reports paths relative to its working directory: they must not be read against
  // another one (a fresh clone at another depth than /tmp once made them point elsewhere).
  await expectError(
    t,
    {
      'deep/er/deployfile.ts': `${header}import './services/a.js';\nexport default p;\n`,
      'deep/er/services/a.ts': `export const x = (;\n`,
    },
    [],
    [/could not load the deployfile: Unexpected ";" at services\/a\.ts:1:19$/m, /1 \| export const x = \(;/],
    '/deep/er',
  );
  await expectError(
    t,
    { 'deep/er/deployfile.ts': `const = 1;\n` },
    [],
    [/Expected identifier but found "=" at deployfile\.ts:1:7$/m],
    '/deep/er',
  );
});

t.test('a deployfile that throws while loading', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}const services: string[] = JSON.parse('{');\nexport default p;\n` },
    [],
    [/could not load the deployfile: SyntaxError: .*JSON.* at deployfile\.ts:3/, /3 \| const services/],
  );
});

t.test('a bad option in the deployfile names task, option and value', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('a', { run: 'true', dep: ['b'] } as never);\nexport default p;\n` },
    [],
    [
      /^stagerun: deployfile\.ts:3: task 'a': option 'dep' is not an option \(did you mean 'deps'\?\); options are run, deps, after, description, cwd, env, .* \(got an array \["b"\]\)$/m,
    ],
  );
});

t.test('a declaration mistake in an imported file names that file and line', async (t) => {
  await expectError(
    t,
    {
      'deployfile.ts': `${header}import { api } from './services/api.js';\np.add(api);\nexport default p;\n`,
      'services/api.ts': `import { service } from 'stagerun';\nexport const api = service('api');\napi.task('deploy', { run: 'true', timeot: 5 } as never);\n`,
    },
    [],
    [
      /^stagerun: services\/api\.ts:3: task 'api:deploy': option 'timeot' is not an option \(did you mean 'timeout'\?\); options are run, deps, .* \(got 5\)$/m,
      /^ {2}3 \| api\.task\('deploy', \{ run: 'true', timeot: 5 \} as never\);$/m,
    ],
  );
});

t.test('no default export', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}export const x = p;\n` },
    [],
    [/the deployfile's default export is missing \(no `export default`\), not a pipeline/, /export default p;/],
  );
});

t.test('default export is not a pipeline', async (t) => {
  await expectError(
    t,
    { 'deployfile.mjs': `export default { tasks: [] };\n` },
    [],
    [/^stagerun: deployfile\.mjs: the deployfile's default export is an object, not a pipeline$/m],
  );
});

t.test('unknown target lists the targets', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('deploy', { run: 'true' });\np.task('test', { run: 'true' });\nexport default p;\n` },
    ['deplyo'],
    [/^stagerun: deployfile\.ts: unknown target 'deplyo' \(did you mean 'deploy'\?\)$/m, /^ {2}targets: deploy, test$/m],
  );
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.service('api', { dir: '.' }).task('deploy', { run: 'true' });\nexport default p;\n` },
    ['api:*'],
    [
      /^stagerun: deployfile\.ts: unknown target 'api:\*'$/m,
      /^ {2}a target is a name, not a pattern: to run the tasks that match, use --only 'api:\*'$/m,
    ],
  );
});

t.test('a mistyped command is suggested as a command', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('deploy', { run: 'true' });\nexport default p;\n` },
    ['comapre', 'deploy'],
    [/^stagerun: deployfile\.ts: unknown target 'comapre'$/m, /^ {2}or did you mean the command: stagerun compare deploy$/m],
  );
});

t.test('no target and no default', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('deploy', { run: 'true' });\nexport default p;\n` },
    [],
    [/no target given and the pipeline sets no default/, /p\.default\('deploy'\)/],
  );
});

t.test('no deployfile anywhere up the tree', async (t) => {
  await expectError(
    t,
    { 'sub/.keep': '' },
    [],
    [
      /no deployfile found in .*sub or any parent directory \(looked for deployfile\.ts, deployfile\.mts, deployfile\.js, deployfile\.mjs\)/,
    ],
    '/sub',
  );
});

t.test('-f to a missing file', async (t) => {
  await expectError(t, {}, ['-f', 'nope.ts'], [/^stagerun: deployfile not found: nope\.ts$/m]);
});

t.test('-f to a directory without a deployfile', async (t) => {
  await expectError(
    t,
    { 'empty/.keep': '' },
    ['-f', 'empty'],
    [/^stagerun: deployfile not found: empty \(a directory without deployfile\.ts, deployfile\.mts, deployfile\.js, deployfile\.mjs\)$/m],
  );
});

t.test('a task directory that does not exist', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.service('api').task('deploy', { run: 'true' });\nexport default p;\n` },
    ['deploy'],
    [/^stagerun: deployfile\.ts: task 'api:deploy': directory does not exist \(got ".*\/api"\)$/m],
  );
});

t.test('usage errors', async (t) => {
  const files = { 'deployfile.ts': `${header}p.task('a', { run: 'true' });\nexport default p;\n` };
  await expectError(t, files, ['a', '-j', '0'], [/^stagerun: -j\/--jobs must be a whole number of at least 1 \(got '0'\)$/m]);
  await expectError(t, files, ['a', '-j', 'abc'], [/^stagerun: -j\/--jobs must be a whole number of at least 1 \(got 'abc'\)$/m]);
  await expectError(t, files, ['a', '-j'], [/^stagerun: -j\/--jobs needs a value, a whole number of at least 1 \(like -j\/--jobs 4\)$/m]);
  await expectError(t, files, ['a', '--grace', 'abc'], [/^stagerun: --grace must be a number of seconds, 0 or more \(got 'abc'\)$/m]);
  await expectError(
    t,
    files,
    ['a', '--history-limit', '1.5'],
    [/^stagerun: --history-limit must be a whole number of at least 1 \(got '1\.5'\)$/m],
  );
  await expectError(t, files, ['a', '--schedule', 'fifo'], [/^stagerun: --schedule must be dag or stages \(got "fifo"\)$/m]);
  await expectError(t, files, ['a', '--bogus-flag'], [/^stagerun: unknown option --bogus-flag$/m, /^ {2}see stagerun --help$/m]);
  await expectError(t, files, ['a', '--dryrun'], [/^stagerun: unknown option --dryrun$/m, /^ {2}did you mean --dry-run\?$/m]);
  // An option given without its value is refused, never read as its default or as not given.
  for (const [args, flag] of [
    [['a', '--only'], '--only'],
    [['a', '--report='], '--report'],
    [['a', '--schedule', '--yes'], '--schedule'],
    [['history', '--limit'], '--limit'],
    [['export', 'github-actions', '-o'], '-o'],
  ] as const) {
    await expectError(t, files, [...args], [new RegExp(`^stagerun: ${flag} needs a value$`, 'm')]);
  }
  // An option of another command is named as such, never suggested as itself.
  await expectError(
    t,
    files,
    ['export', 'github-actions', '--only', 'x'],
    [
      /^stagerun: unknown option --only$/m,
      /^ {2}--only is an option of stagerun run and stagerun compare, not of stagerun export$/m,
      /^ {2}see stagerun export --help$/m,
    ],
  );
  await expectError(
    t,
    files,
    ['compare', 'a', '--gant'],
    [/^ {2}did you mean --gantt\? It is an option of stagerun run, not of stagerun compare$/m],
  );
  await expectError(t, files, ['export', 'github-actions', '--grup', 'service'], [/^ {2}did you mean --group\?$/m]);
  await expectError(t, files, ['a', '--graph', 'png'], [/--graph must be dot or mermaid \(got "png"\)/]);
  await expectError(
    t,
    files,
    ['compare', 'a', '-j', '1..5000', '--simulate'],
    [/^stagerun: -j range '1\.\.5000' has 5000 values; at most 4096 are compared at once$/m],
  );
  await expectError(t, files, ['compare', 'a', '-j', '3..1', '--simulate'], [/^stagerun: -j range '3\.\.1' must go up from 1 or more/m]);
});

t.test('--report or --profile into a directory that does not exist: stopped before anything runs', async (t) => {
  const files = { 'deployfile.ts': `${header}p.task('a', { run: 'touch ran' });\nexport default p;\n` };
  await expectError(
    t,
    files,
    ['a', '--report', 'no/such/dir/r.json'],
    [/^stagerun: --report: cannot write no\/such\/dir\/r\.json: directory .*\/no\/such\/dir does not exist$/m],
  );
  await expectError(
    t,
    files,
    ['a', '--profile', 'missing/t.json'],
    [/^stagerun: --profile: cannot write missing\/t\.json: directory .*missing does not exist$/m],
  );
});

t.test("words after '--' with no target named are refused, not dropped", async (t) => {
  const files = {
    'deployfile.ts': `${header}p.task('a', { run: 'touch ran-a' });\np.task('b', { run: 'touch ran-b' });\np.default('b');\nexport default p;\n`,
  };
  await expectError(
    t,
    files,
    ['--', 'a'],
    [/^stagerun: the words after '--' \(a\) are for the tasks named before it, and none is named$/m, /^ {2}to run a, write: stagerun a$/m],
  );
  const goal = { 'deployfile.ts': `${header}p.task('a', { run: 'true' });\np.task('all', { deps: ['a'] });\nexport default p;\n` };
  await expectError(
    t,
    goal,
    ['all', '--', '--force'],
    [
      /^stagerun: the words after '--' \(--force\) have no task to go to: all is a goal without a command$/m,
      /^ {2}name the task that should receive them, e\.g\. stagerun a -- --force$/m,
    ],
  );
});

t.test('duplicate service, and a task named like a service', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}import { service } from 'stagerun';\np.service('api');\np.add(service('api'));\nexport default p;\n` },
    [],
    [/^stagerun: deployfile\.ts:5: service 'api' is declared twice; service names must be unique$/m],
  );
  await expectError(
    t,
    {
      'deployfile.ts': `${header}p.service('api', { dir: '.' }).task('deploy', { run: 'true' });\np.task('api', { run: 'true' });\nexport default p;\n`,
    },
    ['api'],
    [
      /^stagerun: deployfile\.ts:4: 'api' is both a task and a service; a target or dependency named 'api' would be ambiguous, so rename one of them$/m,
    ],
  );
});

t.test('every mistake in the deployfile in one pass, each with its file and line', async (t) => {
  await expectError(
    t,
    {
      'deployfile.ts': `${header}import './services/api.js';\np.task('a', { run: 'true', deps: ['nope'] });\np.task('b', { run: 'true', retries: -1 });\nexport default p;\n`,
      'services/api.ts': `import { pipeline } from 'stagerun';\nexport const q = pipeline();\n`,
    },
    [],
    [
      /^stagerun: deployfile\.ts: 2 mistakes in the deployfile:$/m,
      /^ {2}deployfile\.ts:5: task 'b': retries must be a whole number of at least 0 \(got -1\)$/m,
      /^ {4}5 \| p\.task\('b', \{ run: 'true', retries: -1 \}\);$/m,
      /^ {2}deployfile\.ts:4: task 'a' depends on 'nope', which is not a task or service$/m,
    ],
  );
});

t.test('did you mean: swapped letters, and a service suggests its own task first', async (t) => {
  const files = (dep: string) => ({
    'deployfile.ts': `${header}p.task('build', { run: 'true' });\nconst api = p.service('api', { dir: '.' });\napi.task('build', { run: 'true' });\napi.task('deploy', { run: 'true', deps: ['${dep}'] });\nexport default p;\n`,
  });
  await expectError(
    t,
    files('buld'),
    [],
    [/task 'api:deploy' depends on 'buld', which is not a task or service \(did you mean 'api:build'\?\)/],
  );
  await expectError(t, files('biuld'), [], [/depends on 'biuld', .*\(did you mean 'api:build'\?\)/]);
  await expectError(t, files('buidl'), [], [/depends on 'buidl', .*\(did you mean 'api:build'\?\)/]);
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('build', { run: 'true' });\nexport default p;\n` },
    ['biuld'],
    [/unknown target 'biuld' \(did you mean 'build'\?\)/],
  );
});

t.test('history of a target that never ran says so, and what did run', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}p.task('a', { run: 'true' });\nexport default p;\n`,
    '.stagerun/history.jsonl': '',
  });
  t.equal((await runMain(['a'], { cwd: dir })).code, 0);
  const result = await runMain(['history', 'nosuch'], { cwd: dir });
  t.equal(result.code, 0);
  t.match(result.stdout, /^no recorded run has the target or task 'nosuch' \(1 run recorded in \.stagerun\/history\.jsonl\)$/m);
  t.match(result.stdout, /^targets recorded: a$/m);
});

t.test('names that end up in exported YAML are checked where they are declared', async (t) => {
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('a', { run: 'true', outputs: ['dist/**\\n/etc/**'] });\nexport default p;\n` },
    ['a'],
    [
      /task 'a': outputs must hold glob names: printable text, without control characters or '\$\{\{' and '\}\}' \(got "dist\/\*\*\\n\/etc\/\*\*"\)/,
    ],
  );
  await expectError(
    t,
    { 'deployfile.ts': `${header}p.task('a', { run: 'true', secrets: ['\${{ github.token }}'] });\nexport default p;\n` },
    ['a'],
    [
      /task 'a': secrets must hold environment variable names: letters, digits and _, not starting with a digit \(got "\$\{\{ github\.token \}\}"\)/,
    ],
  );
  await expectError(
    t,
    {
      'deployfile.ts':
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, as an attacker would write it
        "import { pipeline } from 'stagerun';\nconst p = pipeline({ resources: { '${{ secrets.X }}': 1 } });\np.task('a', { run: 'true' });\nexport default p;\n",
    },
    ['a'],
    [/pipeline: resources must be named with letters, digits and _ \. -, starting with a letter or digit \(got "\$\{\{ secrets\.X \}\}"\)/],
  );
});
