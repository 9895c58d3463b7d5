// examples/testing/test/deployfile.node-test.mjs: the same checks with node:test (run: node --test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDeployfile, needs, run, simulate, toPlan } from 'stagerun/engine';

const deployfile = fileURLToPath(new URL('../deployfile.ts', import.meta.url));
const p = await loadDeployfile(deployfile);

test('every deploy waits for the migration', () => {
  const plan = toPlan(p, ['deploy']);
  assert.ok(needs(plan, 'api:deploy', 'db:migrate'));
  assert.ok(needs(plan, 'web:deploy', 'db:migrate'));
});

test('the predicted makespan at -j2, for given durations', () => {
  const durations = {
    'db:migrate': 30_000,
    'api:build': 60_000,
    'api:deploy': 90_000,
    'web:build': 40_000,
    'web:deploy': 90_000,
    smoke: 10_000,
  };
  assert.equal(simulate(p, { targets: ['deploy'], jobs: 2, durations }).makespanMs, 170_000);
});

test('a real run of the web service', async () => {
  const report = await run(p, { targets: ['web'], jobs: 2 });
  assert.equal(report.status, 'ok');
  assert.deepEqual(
    report.tasks.map((task) => [task.name, task.status]),
    [
      ['db:migrate', 'ok'],
      ['web:build', 'ok'],
      ['web:deploy', 'ok'],
    ],
  );
});
