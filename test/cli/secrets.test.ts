// A secret printed every way a task can print it, and then looked for in everything
// stagerun printed and every file it wrote: it must be nowhere.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { runMain, tempProject } from '../helpers/cli.js';

const SECRET = 's3cr3t-Value-42';
const TOKEN = 'tok-abcdef-123';

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

const deployfile = `import { pipeline } from 'stagerun';
const p = pipeline({ secrets: ['AWS_SECRET_ACCESS_KEY'], env: { REGION: 'eu-west-1' } });
p.task('echo', { run: 'echo "key is $AWS_SECRET_ACCESS_KEY"; echo "token $DEPLOY_TOKEN"' });
p.task('stderr', { run: 'echo "to stderr: $AWS_SECRET_ACCESS_KEY" >&2' });
// Split across two writes, with a pause between: the value arrives in two chunks.
p.task('split', { run: 'printf "half one: %s" "$(echo $AWS_SECRET_ACCESS_KEY | cut -c1-6)"; sleep 0.1; printf "%s\\\\n" "$(echo $AWS_SECRET_ACCESS_KEY | cut -c7-)"' });
p.task('literal', { run: 'echo ${SECRET}', env: { EXTRA_PASSWORD: '${SECRET}' } });
p.task('throws', { run: async ({ env }) => { throw new Error('could not log in with ' + env.AWS_SECRET_ACCESS_KEY); } });
p.task('fails', { run: 'echo "retrying with $DEPLOY_TOKEN"; exit 3', deps: ['echo'] });
p.task('all', { deps: ['echo', 'stderr', 'split', 'literal', 'throws', 'fails'] });
p.default('all');
export default p;
`;

t.test('a secret is masked in output, summary, failures, report, history, trace, charts and --dry-run', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const env = { AWS_SECRET_ACCESS_KEY: SECRET, DEPLOY_TOKEN: TOKEN };
  const printed: string[] = [];
  const run = async (args: string[]) => {
    const result = await runMain(args, { cwd: dir, env });
    printed.push(result.stdout, result.stderr);
    return result;
  };
  const result = await run(['-k', '-j4', '--report', 'report.json', '--profile', 'trace.json', '--gantt']);
  t.equal(result.code, 1, 'the failing tasks failed');
  t.match(result.stdout, /^echo +│ key is \*\*\*$/m, 'masked where it was printed');
  t.match(result.stdout, /^echo +│ token \*\*\*$/m, 'a *_TOKEN variable is secret without being named');
  t.match(result.stderr, /^stderr +│ to stderr: \*\*\*$/m);
  t.match(result.stdout, /^split +│ half one: \*\*\*$/m, 'split across two chunks, still masked');
  t.match(result.stdout, /^literal +│ \*\*\*$/m, 'a value written in the deployfile for a *_PASSWORD variable');
  t.match(result.stdout, /could not log in with \*\*\*/);
  for (const args of [
    ['--dry-run'],
    ['history'],
    ['report', '--format', 'mermaid'],
    ['report', '--format', 'gantt'],
    ['report', '--format', 'trace'],
    ['report', '--format', 'json'],
    ['report', '--format', 'table'],
  ]) {
    await run(args);
  }
  t.match(printed.join(''), /env: {2}REGION=eu-west-1 EXTRA_PASSWORD=\*\*\*/, '--dry-run shows the environment, masked');
  for (const secret of [SECRET, TOKEN, SECRET.slice(0, 6), SECRET.slice(6)]) {
    t.notOk(
      printed.some((text) => text.includes(secret)),
      `nothing printed contains ${secret}`,
    );
    for (const file of files(dir)) {
      // The deployfile, and its bundled copy (readable by its owner only): a value written in the source is in them.
      if (file.endsWith('deployfile.ts')) continue;
      if (/\.stagerun\/cache\/deployfile-[0-9a-f]+-[0-9a-f]+\.mjs$/.test(file)) {
        t.equal(statSync(file).mode & 0o077, 0, `${path.relative(dir, file)} is the owner's only`);
        continue;
      }
      t.notOk(readFileSync(file, 'utf8').includes(secret), `${path.relative(dir, file)} does not contain ${secret}`);
    }
  }
});

t.test('a secret shorter than 4 characters is not masked, with a warning', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';\nconst p = pipeline({ secrets: ['PIN'] });\np.task('a', { run: 'echo pin $PIN' });\nexport default p;\n`,
  });
  const result = await runMain(['a', '--no-history'], { cwd: dir, env: { PIN: '123' } });
  t.equal(result.code, 0);
  t.match(result.stderr, /^stagerun: warning: the secret PIN is shorter than 4 characters, so it is not masked/m);
  t.match(result.stdout, /^a │ pin 123$/m);
});

t.test('a secret printed encoded (base64 at any alignment, base64url, URL-encoded, JSON) is masked; 4 characters are enough', async (t) => {
  const secret = 'p@ss/w+rd"é1';
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline({ secrets: ['DB_PASSWORD', 'PIN'] });
p.task('leak', { run: async ({ env, log }) => {
  const value = env.DB_PASSWORD;
  for (const prefix of ['', 'u', 'us', 'usr']) log('b64', Buffer.from(prefix + ':' + value + '!').toString('base64'));
  log('b64url', Buffer.from(value).toString('base64url'));
  log('url', 'https://db/?password=' + encodeURIComponent(value));
  log('json', JSON.stringify({ password: value }));
  log('pin', 'pin is ' + env.PIN);
} });
export default p;
`,
  });
  const result = await runMain(['leak'], { cwd: dir, env: { DB_PASSWORD: secret, PIN: '4321' } });
  t.equal(result.code, 0, result.stderr);
  const printed = result.stdout + result.stderr;
  const forms = [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64url').slice(0, 12),
    ...['', 'u', 'us', 'usr'].map((prefix) => Buffer.from(`${prefix}:${secret}!`).toString('base64').slice(4, 14)),
  ];
  for (const form of forms) t.notOk(printed.includes(form), `not shown: ${form}`);
  t.match(printed, /pin is \*\*\*/, 'a secret of exactly the minimum length (4) is masked');
});

t.test("keys.json holds no plain hash of a secret value a task's key covers", async (t) => {
  const { createHash } = await import('node:crypto');
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('deploy', { run: 'true', inputs: ['deploy.sh'], inputsEnv: ['API_TOKEN', 'REGION'] });
export default p;
`,
    'deploy.sh': 'echo deploy',
  });
  const env = { API_TOKEN: 'tok-0123456789', REGION: 'eu-west-1' };
  t.equal((await runMain(['deploy'], { cwd: dir, env })).code, 0);
  const keys = readFileSync(path.join(dir, '.stagerun/keys.json'), 'utf8');
  t.notOk(keys.includes(createHash('sha256').update(env.API_TOKEN).digest('hex')), 'no SHA-256 of the token');
  t.match(keys, /"API_TOKEN":"scrypt:[0-9a-f]{64}"/, 'a slow, salted hash instead');
  t.ok(keys.includes(createHash('sha256').update(env.REGION).digest('hex')), 'a variable that is not secret keeps its plain hash');
  await runMain(['deploy', '--report', 'r.json'], { cwd: dir, env });
  t.match(readFileSync(path.join(dir, 'r.json'), 'utf8'), /"status": "up-to-date"/, 'the same secret gives the same key');
});

t.test('every text stagerun prints or writes is masked: --dry-run settings, --list, exports, deployfile errors', async (t) => {
  const secret = 'hunter2-prod-pw';
  const env = { DB_PASSWORD: secret };
  // The deployfile runs in this process (in-process CLI) and reads process.env.
  process.env.DB_PASSWORD = secret;
  t.teardown(() => {
    delete process.env.DB_PASSWORD;
  });
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const pw = process.env.DB_PASSWORD;
const p = pipeline();
p.task('migrate', {
  run: 'true',
  description: 'migrates with ' + pw,
  approval: 'Really migrate with ' + pw + '?',
  noChange: 'nothing to do for ' + pw,
});
p.default('migrate');
export default p;
`,
  });
  const outputs: string[] = [];
  for (const args of [
    ['migrate', '--dry-run'],
    ['--list'],
    ['export', 'github-actions'],
    ['export', 'gitlab-ci'],
    ['migrate', '--explain', 'migrate'],
  ]) {
    const result = await runMain(args, { cwd: dir, env });
    outputs.push(result.stdout + result.stderr);
  }
  await runMain(['export', 'github-actions', '-o', 'workflow.yml'], { cwd: dir, env });
  outputs.push(readFileSync(path.join(dir, 'workflow.yml'), 'utf8'));
  for (const [i, text] of outputs.entries()) t.notOk(text.includes(secret), `output ${i + 1} does not show the secret`);
  t.match(outputs[0], /Really migrate with \*\*\*\?/, 'the approval question, masked');
  t.match(outputs[2], /asks "Really migrate with \*\*\*\?"/, "the export's header, masked");
  t.match(outputs.at(-1)!, /asks "Really migrate with \*\*\*\?"/, 'in the file it writes too');
  const broken = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('deploy', { run: 'true', timeout: process.env.DB_PASSWORD, deps: [process.env.DB_PASSWORD] });
export default p;
`,
  });
  const error = await runMain(['deploy'], { cwd: broken, env });
  t.equal(error.code, 2);
  t.notOk(error.stderr.includes(secret), `a deployfile error quoting the value masks it: ${error.stderr}`);
  t.match(error.stderr, /\*\*\*/);
});
