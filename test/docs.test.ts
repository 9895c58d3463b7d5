// The documentation's examples are the files that run: docs/testing.md shows
// examples/testing/test/* verbatim, and both run here (the tap one through tap's include).

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
