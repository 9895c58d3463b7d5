// The seed example, run for real: makespans at -j1..3 under both policies.
import t from 'tap';
import path from 'node:path';
import { copyExample, readJson, runCli } from '../helpers/cli.js';
import type { RunReport } from '../../lib/report/json.js';

const dir = copyExample('seed-services');
// 1-second tasks: dag reaches the 3-task critical path at -j2, stages only at -j3.
const expected = { dag: { 1: 6000, 2: 3000, 3: 3000 }, stages: { 1: 6000, 2: 4000, 3: 3000 } } as const;

for (const schedule of ['dag', 'stages'] as const) {
  for (const jobs of [1, 2, 3] as const) {
    t.test(`seed services, ${schedule} -j${jobs}`, async (t) => {
      const report = path.join(dir, `report-${schedule}-${jobs}.json`);
      const result = await runCli(['deploy', `-j${jobs}`, '--schedule', schedule, '--report', report], { cwd: dir });
      t.equal(result.code, 0, result.stderr);
      const data = readJson<RunReport>(report);
      const want = expected[schedule][jobs];
      // Never faster than the sleeps allow; process start-up adds a little on a busy machine.
      t.ok(data.makespanMs >= want - 20 && data.makespanMs <= want * 1.12 + 250, `makespan ${data.makespanMs} ms, expected about ${want} ms`);
      t.equal(data.jobs, jobs);
      t.equal(data.schedule, schedule);
      t.same(data.targets, ['deploy']);
      t.equal(data.ok, true);
      const deploys = data.tasks.filter((task) => task.name.endsWith(':deploy'));
      t.equal(deploys.length, 6);
      for (const task of deploys) {
        t.equal(task.status, 'ok');
        t.equal(task.exitCode, 0);
        t.ok(task.durationMs! >= 990 && task.durationMs! < 1600, `${task.name} took ${task.durationMs} ms`);
        t.ok(task.slot! >= 0 && task.slot! < jobs);
      }
      // At no moment more than `jobs` tasks overlap.
      const moments = deploys.flatMap((task) => [task.startMs!, task.endMs! - 0.1]);
      for (const moment of moments) {
        const running = deploys.filter((task) => task.startMs! <= moment && moment < task.endMs!).length;
        t.ok(running <= jobs, `${running} running at ${moment} ms`);
      }
      const d = deploys.find((task) => task.name === 'service_d:deploy')!;
      for (const name of ['service_a:deploy', 'service_b:deploy']) {
        t.ok(deploys.find((task) => task.name === name)!.endMs! <= d.startMs!, `D starts after ${name} ends`);
      }
      t.match(result.stdout, /service_a:deploy │ deploying service A from service_a/);
      t.match(result.stdout, new RegExp(`✓ deploy \\(-j${jobs}, ${schedule}\\): 6 ok; makespan`));
    });
  }
}
