// Machines and CPU time through the CLI: runs are recorded under a machine's name with its
// cores and each attempt's CPU time; compare --simulate reads one machine's runs and
// predicts for its cores, or for --cores.
import { availableParallelism, hostname } from 'node:os';
import t from 'tap';
import { pipeline } from '../../lib/model/model.js';
import { appendHistory } from '../../lib/reports/history.js';
import { simulate } from '../../lib/run/simulate.js';
import { runMain, tempProject } from '../helpers/cli.js';
import { historyOf, read } from '../helpers/history-project.js';

const busy = `import { pipeline } from 'stagerun';
const p = pipeline();
// Computes until it has used 300 ms of CPU time, however loaded the machine is.
const spin = "node -e 'const start = process.cpuUsage(); for (;;) { const u = process.cpuUsage(start); if (u.user + u.system >= 300000) break; }'";
p.task('a', { run: spin });
p.task('b', { run: spin });
p.task('nap', { run: 'sleep 0.3' });
p.task('all', { deps: ['a', 'b', 'nap'] });
p.default('all');
export default p;
`;

t.test('a run records the machine (host name, or --machine / $STAGERUN_MACHINE) and CPU time per attempt', async (t) => {
  const dir = tempProject({ 'deployfile.ts': busy });
  t.equal((await runMain(['-j3'], { cwd: dir })).code, 0);
  t.equal((await runMain(['-j1', '--machine', 'ci-large'], { cwd: dir })).code, 0);
  t.equal((await runMain(['-j1'], { cwd: dir, env: { STAGERUN_MACHINE: 'laptop' } })).code, 0);
  const { runs } = read(dir);
  t.same(
    runs.map((run) => run.machine),
    [
      { name: hostname(), cores: availableParallelism() },
      { name: 'ci-large', cores: availableParallelism() },
      { name: 'laptop', cores: availableParallelism() },
    ],
  );
  if (process.platform === 'linux') {
    const cpu = (name: string) => runs[1]!.tasks.find((task) => task.name === name)!.attempts[0]!.cpuMs!;
    t.ok(cpu('a') >= 200, `a busy loop of 300 ms used ${cpu('a')} ms of CPU`);
    t.ok(cpu('nap') < 100, `sleep used ${cpu('nap')} ms of CPU`);
  }
});

t.test('a bad machine name is a usage error naming the value', async (t) => {
  const dir = tempProject({ 'deployfile.ts': busy });
  const flag = await runMain(['--machine', 'two words'], { cwd: dir });
  t.equal(flag.code, 2);
  t.match(flag.stderr, /--machine must be 1 to 64 printable characters without spaces \(got "two words"\)/);
  const env = await runMain(['compare', '--simulate'], { cwd: dir, env: { STAGERUN_MACHINE: 'a\nb' } });
  t.equal(env.code, 2);
  t.match(env.stderr, /STAGERUN_MACHINE must be .* \(got "a\\nb"\)/);
  const cores = await runMain(['compare', '--simulate', '--cores', '0'], { cwd: dir });
  t.equal(cores.code, 2);
  t.match(cores.stderr, /--cores must be a whole number of at least 1 \(got '0'\)/);
  const measured = await runMain(['compare', '--cores', '4', '--yes'], { cwd: dir });
  t.equal(measured.code, 2, 'a measured compare cannot run on other cores: --cores is not dropped silently');
  t.match(measured.stderr, /--cores predicts for another machine, so it needs --simulate \(got --cores 4 on a measured compare\)/);
  t.equal(read(dir).runs.length, 0, 'nothing ran');
});

t.test('compare --simulate predicts for a machine from its own runs, with its cores or --cores', async (t) => {
  const dir = tempProject({ 'deployfile.ts': busy });
  t.equal((await runMain(['-j1', '--no-history'], { cwd: dir })).code, 0, 'the deployfile loads');
  // Recorded on two machines: on ci-large (16 cores) a and b take 1 s of CPU each, on the laptop 2 s.
  const recorded = (name: string, cores: number, ms: number) => {
    const report = simulate(sameTasks(), {
      jobs: 1,
      durations: { a: ms, b: ms, nap: 500 },
      cpuShares: { a: 1, b: 1, nap: 0 },
      machine: { name, cores },
    });
    appendHistory(historyOf(dir), { ...report, simulated: false, deployfile: `${dir}/deployfile.ts` });
  };
  recorded('ci-large', 16, 1000);
  recorded('laptop', 2, 2000);
  const predict = async (...args: string[]) => {
    const result = await runMain(['compare', '-j', '1..2', '--simulate', '--format', 'json', ...args], { cwd: dir });
    t.equal(result.code, 0, result.stderr);
    return { rows: JSON.parse(result.stdout) as { jobs: number; makespanMs: number; cores: number }[], notes: result.stderr };
  };
  const ci = await predict('--machine', 'ci-large');
  t.same(
    ci.rows.map((row) => [row.jobs, row.makespanMs, row.cores]),
    [
      [1, 2500, 16],
      [2, 1500, 16],
    ],
  );
  t.match(ci.notes, /simulated for ci-large with 16 cores, from 1 recorded run there/);
  const oneCore = await predict('--machine', 'ci-large', '--cores', '1');
  t.same(
    oneCore.rows.map((row) => [row.jobs, row.makespanMs, row.cores]),
    [
      [1, 2500, 1],
      [2, 2500, 1],
    ],
    'on one core, a and b side by side take as long as one after the other',
  );
  // A hand-edited record whose machine is not sound reads as an older record: no crash, no bogus cores.
  const damaged = simulate(sameTasks(), { jobs: 1, durations: { a: 700, b: 700, nap: 500 }, machine: { name: 'ci-large', cores: 16 } });
  appendHistory(historyOf(dir), { ...damaged, simulated: false, machine: { name: 'ci-large', cores: 'many' } as never });
  const afterDamage = await predict('--machine', 'ci-large');
  t.same(
    afterDamage.rows.map((row) => row.cores),
    [16, 16],
    'the cores come from the sound ci-large record',
  );
  const laptop = await predict('--machine', 'laptop');
  t.same(
    laptop.rows.map((row) => row.makespanMs),
    [4500, 2500],
  );
});

/** The deployfile's tasks, for recording runs without running them. */
function sameTasks() {
  const p = pipeline();
  for (const name of ['a', 'b', 'nap']) p.task(name, { run: 'true' });
  p.task('all', { deps: ['a', 'b', 'nap'] });
  p.default('all');
  return p;
}
