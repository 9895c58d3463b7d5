// examples/testing/test/deployfile.test.ts: testing a deployfile with tap.

import { fileURLToPath } from 'node:url';
import { loadDeployfile, needs, run, simulate, toPlan } from 'stagerun/engine';
import t from 'tap';

const deployfile = fileURLToPath(new URL('../deployfile.ts', import.meta.url));
const p = await loadDeployfile(deployfile);

t.test('every deploy waits for the migration', async (t) => {
  const plan = toPlan(p, ['deploy']);
  for (const service of ['api', 'web']) t.ok(needs(plan, `${service}:deploy`, 'db:migrate'), `${service}:deploy needs db:migrate`);
});

t.test('the migration is in the first stage, the smoke test after the deploys', async (t) => {
  const plan = toPlan(p, ['deploy']);
  t.equal(plan.byName.get('db:migrate')!.stage, 0);
  t.equal(plan.byName.get('smoke')!.stage, 2);
});

t.test('what `stagerun api --dry-run` would select', async (t) => {
  const plan = toPlan(p, ['api']);
  t.same(
    plan.tasks.map((task) => task.name),
    ['db:migrate', 'api:build', 'api:deploy'],
  );
});

t.test('the predicted makespan at -j2, for given durations', async (t) => {
  const durations = {
    'db:migrate': 30_000,
    'api:build': 60_000,
    'api:deploy': 90_000,
    'web:build': 40_000,
    'web:deploy': 90_000,
    smoke: 10_000,
  };
  const predicted = simulate(p, { targets: ['deploy'], jobs: 2, durations });
  t.equal(predicted.makespanMs, 170_000);
  t.equal(simulate(p, { targets: ['deploy'], jobs: 1, durations }).makespanMs, 320_000);
});

t.test('a real run of the api, with its timings read back', async (t) => {
  const report = await run(p, { targets: ['api'], jobs: 2 });
  t.equal(report.status, 'ok');
  const deploy = report.tasks.find((task) => task.name === 'api:deploy')!;
  const migrate = report.tasks.find((task) => task.name === 'db:migrate')!;
  t.ok(deploy.startMs! >= migrate.endMs!, 'the deploy started after the migration ended');
  t.ok(deploy.durationMs! >= 150, `the deploy took about 0.2 s (${deploy.durationMs} ms)`);
});
