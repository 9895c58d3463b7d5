// A mistake in a deployfile is a type error in the editor: tsc must reject exactly the marked lines.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './helpers/cli.js';

t.test('the deployfile API catches mistakes at compile time', async (t) => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'test/types/tsconfig.json')], { encoding: 'utf8' });
  // An unused @ts-expect-error is itself an error (TS2578), so each marked mistake must be caught.
  t.equal(result.stdout, '', 'no type errors, and every @ts-expect-error was needed');
  t.equal(result.status, 0);
});
