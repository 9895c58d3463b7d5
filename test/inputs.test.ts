// Input files (globs, exclusions, .gitignore) and content keys (what changes them, and the stat fast path).

import { mkdirSync, mkdtempSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { InputLister } from '../lib/keys/inputs.js';
import { computeKeys, type RecordedKey } from '../lib/keys/keys.js';
import { pipeline } from '../lib/model/model.js';
import { toPlan } from '../lib/plan/plan.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'stagerun-inputs-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}
const relative = (root: string, files: string[]) => files.map((file) => path.relative(root, file));

t.test('globs relative to the task directory, ! excludes, .gitignore files at any level apply', async (t) => {
  const root = tree({
    '.git/HEAD': 'ref',
    '.gitignore': 'dist/\n*.log\n',
    'api/src/a.ts': 'a',
    'api/src/b.ts': 'b',
    'api/src/readme.md': 'r',
    'api/dist/bundle.js': 'built',
    'api/debug.log': 'log',
    'api/.gitignore': 'secret.txt\n',
    'api/secret.txt': 's',
    'api/package.json': '{}',
    'shared/util.ts': 'u',
    'api/.stagerun/history.jsonl': '',
  });
  const lister = new InputLister(InputLister.repoRootOf(path.join(root, 'api')));
  t.equal(lister.repoRoot, root, 'the git work tree');
  const api = path.join(root, 'api');
  t.same(relative(api, lister.list(api, ['src/**'])), ['src/a.ts', 'src/b.ts', 'src/readme.md']);
  t.same(relative(api, lister.list(api, ['src/**', '!**/*.md'])), ['src/a.ts', 'src/b.ts']);
  t.same(
    relative(api, lister.list(api, ['**'])),
    ['.gitignore', 'package.json', 'src/a.ts', 'src/b.ts', 'src/readme.md'],
    'dist/, *.log and secret.txt are ignored; .stagerun never counts',
  );
  t.same(
    relative(api, lister.list(api, ['**'], false)),
    ['.gitignore', 'debug.log', 'dist/bundle.js', 'package.json', 'secret.txt', 'src/a.ts', 'src/b.ts', 'src/readme.md'],
    'respectGitignore: false keeps them',
  );
  t.same(
    relative(api, lister.list(api, ['package.json', '../shared/*.ts'])),
    ['package.json', '../shared/util.ts'],
    'a plain path, and a glob above the task directory',
  );
  t.same(relative(api, lister.list(api, ['src'])), ['src/a.ts', 'src/b.ts', 'src/readme.md'], 'a directory means all of it');
  t.same(lister.list(api, ['nope/**']), [], 'nothing there: no files, no error');
});

t.test('a linked file counts; a linked directory is not followed', async (t) => {
  const root = tree({ 'real/x.ts': 'x', 'dir/y.ts': 'y' });
  symlinkSync(path.join(root, 'real/x.ts'), path.join(root, 'dir/link.ts'));
  symlinkSync(path.join(root, 'real'), path.join(root, 'dir/loop'));
  const lister = new InputLister(root);
  t.same(relative(root, lister.list(path.join(root, 'dir'), ['**'])), ['dir/link.ts', 'dir/y.ts']);
});

function keysOf(
  root: string,
  declare: (p: ReturnType<typeof pipeline>) => void,
  env: Record<string, string> = {},
  recorded = new Map<string, RecordedKey>(),
) {
  const p = pipeline({ root });
  declare(p);
  return computeKeys(
    toPlan(
      p,
      p.definitions().map((task) => task.name),
    ),
    { env, recorded },
  );
}

t.test('a key changes with the inputs, the command, the env, and the keys of the dependencies', async (t) => {
  const root = tree({ 'src/a.ts': 'one' });
  const base = (p: ReturnType<typeof pipeline>) => {
    p.task('build', { run: 'make', inputs: ['src/**'], inputsEnv: ['NODE_ENV'] });
    p.task('deploy', { run: 'deploy', deps: ['build'], inputs: ['src/**'] });
  };
  const first = await keysOf(root, base);
  t.match(first.get('build')!.key, /^[0-9a-f]{16}$/);
  t.equal((await keysOf(root, base)).get('build')!.key, first.get('build')!.key, 'the same inputs: the same key');
  t.not((await keysOf(root, base, { NODE_ENV: 'production' })).get('build')!.key, first.get('build')!.key, 'inputsEnv values count');
  t.not(
    (
      await keysOf(root, (p) => {
        p.task('build', { run: 'make all', inputs: ['src/**'], inputsEnv: ['NODE_ENV'] });
        p.task('deploy', { run: 'deploy', deps: ['build'], inputs: ['src/**'] });
      })
    ).get('build')!.key,
    first.get('build')!.key,
    'the command counts',
  );
  writeFileSync(path.join(root, 'src/a.ts'), 'two');
  const changed = await keysOf(root, base);
  t.not(changed.get('build')!.key, first.get('build')!.key, 'contents count');
  t.not(changed.get('deploy')!.key, first.get('deploy')!.key);
  t.same(Object.keys(changed.get('deploy')!.parts.deps), ['build'], "a dependent's key holds its dependencies' keys");
  t.notMatch(JSON.stringify(changed.get('build')!.parts), /production/, 'values are hashed, never kept');
});

t.test('the stat fast path: a file whose size, mtime and inode match the record is not read again', async (t) => {
  const root = tree({ 'src/a.ts': 'aaaa' });
  const declare = (p: ReturnType<typeof pipeline>) => void p.task('build', { run: 'make', inputs: ['src/**'] });
  const hourAgo = Date.now() / 1000 - 3600;
  utimesSync(path.join(root, 'src/a.ts'), hourAgo, hourAgo);
  const first = (await keysOf(root, declare)).get('build')!;
  const recorded = new Map([['build', { key: first.key, parts: first.parts, stats: first.stats, recordedAt: Date.now() }]]);
  // Same size, same mtime, same inode, other contents: only a read would see it.
  writeFileSync(path.join(root, 'src/a.ts'), 'bbbb');
  utimesSync(path.join(root, 'src/a.ts'), hourAgo, hourAgo);
  t.equal((await keysOf(root, declare, {}, recorded)).get('build')!.key, first.key, 'not read: the recorded hash stands');
  t.not((await keysOf(root, declare)).get('build')!.key, first.key, 'without a record it is read');
  // A file modified just before the record was made may hide a change in the same moment: it is read.
  const now = Date.now() / 1000;
  utimesSync(path.join(root, 'src/a.ts'), now, now);
  const fresh = (await keysOf(root, declare)).get('build')!;
  const racy = new Map([['build', { key: fresh.key, parts: fresh.parts, stats: fresh.stats, recordedAt: Date.now() }]]);
  writeFileSync(path.join(root, 'src/a.ts'), 'cccc');
  utimesSync(path.join(root, 'src/a.ts'), now, now);
  t.equal(statSync(path.join(root, 'src/a.ts')).mtimeMs, fresh.stats['src/a.ts']![1]);
  t.not((await keysOf(root, declare, {}, racy)).get('build')!.key, fresh.key, 'racy: read again');
});

t.test('an aborted signal stops the hashing: the keys reject with an AbortError', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 200; i++) files[`src/f${i}.txt`] = `file ${i}`;
  const root = tree(files);
  const p = pipeline({ root });
  p.task('a', { run: 'true', inputs: ['src/**'] });
  p.task('b', { run: 'true', inputs: ['src/f1*.txt'], deps: ['a'] });
  const plan = toPlan(p, ['b']);
  const before = new AbortController();
  before.abort();
  await t.rejects(computeKeys(plan, { env: {}, recorded: new Map(), signal: before.signal }), { name: 'AbortError' }, 'aborted before');
  // Aborted while the reads are queued: the first ones may be under way, the rest are never made.
  const during = new AbortController();
  const keys = computeKeys(plan, { env: {}, recorded: new Map(), signal: during.signal });
  during.abort();
  await t.rejects(keys, { name: 'AbortError' }, 'aborted during');
  const whole = await computeKeys(plan, { env: {}, recorded: new Map(), signal: new AbortController().signal });
  t.equal(Object.keys(whole.get('a')!.parts.files).length, 200, 'a signal that is not aborted changes nothing');
});

t.test('an input is hashed as a stream, in chunks: the hash is that of the whole content (a 5 GB one is in npm run bench)', async (t) => {
  const { createHash } = await import('node:crypto');
  const content = Buffer.alloc(3 * 2 ** 20 + 17, 'abc');
  const root = tree({});
  writeFileSync(path.join(root, 'big.bin'), content);
  const keys = await keysOf(root, (p) => p.task('image', { run: 'true', inputs: ['big.bin'] }));
  t.equal(keys.get('image')!.parts.files['big.bin'], createHash('sha256').update(content).digest('hex').slice(0, 32));
});
