// The seed example, run once for real through the bin: the one end-to-end run of the story.
// (The exact makespans at -j1..3 under both policies are the scheduler tests' job, on a fake
// clock; how close the simulator comes to a real run is measured by `npm run bench`.)

import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import { copyExample, readJson, runCli } from '../helpers/cli.js';

t.test('seed services, dag -j2: six deploys, D after A and B, the 3-task chain sets the makespan', async (t) => {
  const dir = copyExample('seed-services');
  const seconds = 0.3;
  const report = path.join(dir, 'report.json');
  const result = await runCli(['deploy', '-j2', '--report', report], { cwd: dir, env: { DEPLOY_SECONDS: String(seconds) } });
  t.equal(result.code, 0, result.stderr);
  const data = readJson<RunReport>(report);
  const deploys = data.tasks.filter((task) => task.name.endsWith(':deploy'));
  t.equal(deploys.length, 6);
  t.ok(deploys.every((task) => task.status === 'ok' && task.slot! >= 0 && task.slot! < 2));
  const chain = 3 * seconds * 1000;
  // Never faster than the sleeps allow; process start-up adds a little on a busy machine.
  t.ok(
    data.makespanMs >= chain - 20 && data.makespanMs <= chain * 1.25 + 400,
    `makespan ${data.makespanMs} ms, about ${chain} ms expected`,
  );
  const d = deploys.find((task) => task.name === 'service_d:deploy')!;
  for (const name of ['service_a:deploy', 'service_b:deploy']) {
    t.ok(deploys.find((task) => task.name === name)!.endMs! <= d.startMs!, `D starts after ${name} ends`);
  }
  const moments = deploys.flatMap((task) => [task.startMs!, task.endMs! - 0.1]);
  t.ok(
    moments.every((moment) => deploys.filter((task) => task.startMs! <= moment && moment < task.endMs!).length <= 2),
    'never more than 2 at once',
  );
  t.match(result.stdout, /^service_a:deploy │ deploying service A from service_a \(image tag [0-9a-f]{16}\)$/m);
  t.match(result.stdout, /✓ deploy \(-j2, dag\): 6 ok; makespan/);
});
