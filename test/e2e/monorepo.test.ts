// The realistic example: npm workspaces, tsc builds, node --test suites, images tagged with
// their content key, a CloudFormation stand-in; run as a user would, keys checked throughout.

import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import { copyExample, readJson, repoRoot, runMain } from '../helpers/cli.js';

/** A copy of examples/monorepo, with node_modules as `npm install` lays it out (typescript from this repository). */
function monorepo(): string {
  const dir = copyExample('monorepo');
  const modules = path.join(dir, 'node_modules');
  symlinkSync(path.join(repoRoot, 'node_modules/typescript'), path.join(modules, 'typescript'), 'dir');
  mkdirSync(path.join(modules, '.bin'));
  symlinkSync('../typescript/bin/tsc', path.join(modules, '.bin/tsc'));
  mkdirSync(path.join(modules, '@example'));
  symlinkSync('../../packages/shared', path.join(modules, '@example/shared'), 'dir');
  for (const name of ['api', 'web', 'worker']) symlinkSync(`../../services/${name}`, path.join(modules, `@example/${name}`), 'dir');
  return dir;
}

const statuses = (report: RunReport) =>
  Object.fromEntries(report.tasks.filter((task) => task.command).map((task) => [task.name, task.status]));
const images = (dir: string) => readFileSync(path.join(dir, '.registry/images.txt'), 'utf8').trim().split('\n');

t.test('the monorepo example: keys you can trust across runs, --no-deps, hash and a fresh checkout', async (t) => {
  const dir = monorepo();
  const first = await runMain(['-j2', '--report', 'r1.json'], { cwd: dir, env: { PATH: process.env.PATH } });
  t.equal(first.code, 0, first.stdout.slice(-3000));
  const report = readJson<RunReport>(path.join(dir, 'r1.json'));
  t.ok(
    Object.values(statuses(report)).every((status) => status === 'ok'),
    'everything ran: tsc builds, node --test suites, images, the stack',
  );
  const hashes = new Map<string, string>();
  for (const name of ['api', 'web', 'worker']) hashes.set(name, (await runMain(['hash', `${name}:image`], { cwd: dir })).stdout.trim());
  t.same(
    images(dir).sort(),
    [...hashes].map(([name, hash]) => `${name}:${hash}`).sort(),
    'images are tagged with the keys `stagerun hash` prints',
  );

  const second = await runMain(['-j2', '--report', 'r2.json'], { cwd: dir });
  t.equal(second.code, 0);
  t.ok(
    Object.values(statuses(readJson<RunReport>(path.join(dir, 'r2.json')))).every((status) => status === 'up-to-date'),
    'nothing changed: everything is up to date',
  );

  writeFileSync(
    path.join(dir, 'services/api/src/index.ts'),
    readFileSync(path.join(dir, 'services/api/src/index.ts'), 'utf8').replace("'1.0.0'", "'1.0.1'"),
  );
  writeFileSync(
    path.join(dir, 'services/api/test/index.test.mjs'),
    readFileSync(path.join(dir, 'services/api/test/index.test.mjs'), 'utf8').replace('1.0.0', '1.0.1'),
  );
  const apiHash = (await runMain(['hash', 'api:image'], { cwd: dir })).stdout.trim();
  t.not(apiHash, hashes.get('api'), "a change to the api's code changes its image tag");
  t.equal((await runMain(['hash', 'web:image'], { cwd: dir })).stdout.trim(), hashes.get('web'), "and not the web's");
  const noDeps = await runMain(['api:build', 'api:test', 'api:image', '--no-deps', '-j1'], { cwd: dir });
  t.equal(noDeps.code, 0, noDeps.stdout.slice(-2000));
  t.equal(images(dir).at(-1), `api:${apiHash}`, '--no-deps tags it with the same key');
  const third = await runMain(['-j2', '--report', 'r3.json'], { cwd: dir });
  t.equal(third.code, 0);
  t.same(
    statuses(readJson<RunReport>(path.join(dir, 'r3.json'))),
    {
      'shared:build': 'up-to-date',
      'api:build': 'up-to-date',
      'api:test': 'up-to-date',
      'api:image': 'up-to-date',
      'web:build': 'up-to-date',
      'web:test': 'up-to-date',
      'web:image': 'up-to-date',
      'worker:build': 'up-to-date',
      'worker:test': 'up-to-date',
      'worker:image': 'up-to-date',
      'infra:deploy': 'up-to-date',
    },
    'after the --no-deps run, a plain run is up to date',
  );

  // A fresh CI checkout: no keys, no dist/; the registry and the stack are the real world's.
  rmSync(path.join(dir, '.stagerun'), { recursive: true });
  for (const name of ['shared', 'api', 'web', 'worker'])
    rmSync(path.join(dir, name === 'shared' ? 'packages/shared/dist' : `services/${name}/dist`), { recursive: true });
  const fresh = await runMain(['-j2', '--report', 'r4.json'], { cwd: dir });
  t.equal(fresh.code, 0, fresh.stdout.slice(-3000));
  const after = statuses(readJson<RunReport>(path.join(dir, 'r4.json')));
  t.equal(after['api:image'], 'up-to-date', 'the registry has the image: its check says so');
  t.equal(after['api:build'], 'ok', 'builds run on a fresh checkout');
  t.equal(after['infra:deploy'], 'no-change', 'the stack is at this version: exit 255, "No changes to deploy"');
  t.equal(images(dir).length, 4, 'no image was pushed twice');
});
