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

interface Row {
  jobs: number;
  schedule: string;
  makespanMs: number;
  simulated: boolean;
}

t.test('compare -j 1..3, measured, and --simulate from the recorded history agree within 5%', async (t) => {
  const measured = await runCli(['compare', 'deploy', '-j', '1..3', '--yes', '--format', 'json'], { cwd: dir });
  t.equal(measured.code, 0, measured.stderr);
  const simulated = await runCli(['compare', 'deploy', '-j', '1..3', '--schedule', 'dag,stages', '--simulate', '--format', 'json'], { cwd: dir });
  t.equal(simulated.code, 0, simulated.stderr);
  const real = JSON.parse(measured.stdout) as Row[];
  const predicted = JSON.parse(simulated.stdout) as Row[];
  t.same(real.map((row) => row.jobs), [1, 2, 3]);
  t.ok(predicted.every((row) => row.simulated) && real.every((row) => !row.simulated));
  for (const row of real) {
    const guess = predicted.find((p) => p.jobs === row.jobs && p.schedule === row.schedule)!;
    const error = Math.abs(guess.makespanMs - row.makespanMs) / row.makespanMs;
    t.ok(error <= 0.05, `-j${row.jobs} dag: simulated ${guess.makespanMs} ms, measured ${row.makespanMs} ms (${(error * 100).toFixed(1)}%)`);
  }
  // The stages policy too, against the direct runs above.
  for (const jobs of [1, 2, 3]) {
    const run = readJson<RunReport>(path.join(dir, `report-stages-${jobs}.json`));
    const guess = predicted.find((p) => p.jobs === jobs && p.schedule === 'stages')!;
    const error = Math.abs(guess.makespanMs - run.makespanMs) / run.makespanMs;
    t.ok(error <= 0.05, `-j${jobs} stages: simulated ${guess.makespanMs} ms, measured ${run.makespanMs} ms (${(error * 100).toFixed(1)}%)`);
  }
  t.match(simulated.stderr, /simulated from 9 recorded runs/);
  t.notMatch(simulated.stderr, /no history for/);
});
