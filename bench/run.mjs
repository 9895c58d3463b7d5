// `npm run bench`: stagerun next to GNU make, ninja and just on the same graphs.
//
//   node bench/run.mjs [--runs N] [--quick] [--only scheduling,overhead,scale,accuracy,contention,…]
//
// Prints Markdown tables (medians of N runs, tools alternating each round) and the
// performance bars, and writes bench/results/latest.json and latest.md.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bounds, createPlan, pipeline, validatePipeline } from '../dist/engine.js';
import { chain, chainBehindFillers, edgeCount, independent, large, randomLayered, seed, unevenFanIn } from './lib/dags.mjs';
import { project } from './lib/emit.mjs';
import { compareCandidates } from './lib/harness.mjs';
import { keysInProcess, writeHashingProject, writeLargeInputProject } from './lib/hashing.mjs';
import { writeLargeHistory } from './lib/history.mjs';
import { htmlCost } from './lib/html.mjs';
import { graphShare, processCost } from './lib/libraries.mjs';
import { bestSchedule } from './lib/optimum.mjs';
import { renderResults } from './lib/report.mjs';
import { ensureTools, machine } from './lib/tools.mjs';

/** Every section, in the order they run: a run of all of them (and not --quick) is written to bench/results/. */
const SECTIONS = 'scheduling,overhead,scale,history,accuracy,contention,hashing,libraries,output,html';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: SECTIONS },
    'scale-tasks': { type: 'string', default: '100000' },
  },
});
const only = new Set(values.only.split(','));
const runs = (base) => (values.quick ? 1 : Number(values.runs ?? base));
const log = (text) => process.stderr.write(`bench: ${text}\n`);

const repo = path.resolve(new URL('..', import.meta.url).pathname);
const cli = path.join(repo, 'dist/cli.js');
const { tools, versions } = ensureTools(log);
const root = mkdtempSync(path.join(os.tmpdir(), 'stagerun-bench-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

const stagerun = (dir, args, extra = {}) => ({ command: tools.node, args: [cli, ...args], cwd: dir, ...extra });
const quietRun = ['--no-history', '--no-summary', '--no-progress'];

/** The lower bound max(critical path, work / N) for a DAG, from stagerun's own planner. */
function lowerBound(dag, jobs) {
  const p = pipeline({ root });
  for (const task of dag.tasks) p.task(task.name, { run: ['true'], deps: task.deps });
  const plan = createPlan(
    validatePipeline(p),
    dag.tasks.map((task) => task.name),
  );
  const seconds = new Map(dag.tasks.map((task) => [task.name, (task.seconds ?? 0) * 1000]));
  return bounds(
    plan,
    Float64Array.from(plan.tasks, (task) => seconds.get(task.name)),
    jobs,
  );
}

/**
 * The candidates that run a DAG with N slots: stagerun (both policies) and every peer
 * present. stagerun runs as it would from the second run on, with history (one untimed
 * warm-up run first); `fresh` adds a run in a copy of the project that never has history.
 */
function peers(dir, jobs, { staged = true, fresh } = {}) {
  const quiet = ['--no-summary', '--no-progress'];
  const report = (name) => path.join(dir, `r-${name}-${jobs}.json`);
  const list = [stagerun(dir, ['-j', String(jobs), ...quiet, '--report', report('dag')], { id: 'stagerun dag', report: report('dag') })];
  if (fresh) {
    list.push(
      stagerun(fresh, ['-j', String(jobs), ...quietRun, '--report', path.join(fresh, `r-${jobs}.json`)], {
        id: 'stagerun dag, no history',
        report: path.join(fresh, `r-${jobs}.json`),
      }),
    );
  }
  if (staged) {
    list.push(
      stagerun(dir, ['-j', String(jobs), '--schedule', 'stages', ...quiet, '--report', report('stages')], {
        id: 'stagerun stages',
        report: report('stages'),
      }),
    );
  }
  if (tools.make) list.push({ id: 'make', command: tools.make, args: ['-s', `-j${jobs}`, 'all'], cwd: dir });
  if (tools.make && staged && fresh)
    list.push({ id: 'make (staged)', command: tools.make, args: ['-s', `-j${jobs}`, '-f', 'Makefile.staged', 'all'], cwd: dir });
  if (tools.ninja) list.push({ id: 'ninja', command: tools.ninja, args: ['--quiet', `-j${jobs}`, 'all'], cwd: dir });
  if (tools.just) list.push({ id: 'just', command: tools.just, args: ['--jobs', String(jobs), 'all'], cwd: dir });
  return list;
}

const results = {
  date: new Date().toISOString(),
  machine: machine(),
  versions,
  runs: {},
  scheduling: [],
  overhead: [],
  scale: [],
  history: [],
  accuracy: [],
  contention: [],
  hashing: [],
};

if (only.has('scheduling')) {
  results.runs.scheduling = runs(3);
  const workloads = [
    [seed(), [1, 2, 3]],
    [chainBehindFillers(), [2, 3]],
    [unevenFanIn(), [2, 3]],
    [randomLayered(7), [2, 4]],
    [randomLayered(42, 6, 8), [2, 4]],
  ];
  workloads.forEach(([dag, jobsList], index) => {
    const dir = project(root, `scheduling-${index}`, dag);
    const fresh = project(root, `scheduling-${index}-fresh`, dag);
    for (const jobs of jobsList) {
      log(`${dag.name} at -j${jobs} (${results.runs.scheduling} runs)`);
      const candidates = peers(dir, jobs, { fresh });
      compareCandidates(candidates.slice(0, 1), 1); // warm-up: gives stagerun its history
      const measured = compareCandidates(candidates, results.runs.scheduling);
      results.scheduling.push({
        workload: dag.name,
        tasks: dag.tasks.length,
        jobs,
        ...lowerBound(dag, jobs),
        ...bestSchedule(dag, jobs),
        tools: measured,
      });
    }
  });
}

if (only.has('overhead')) {
  results.runs.overhead = runs(5);
  const n = results.runs.overhead;
  let oneTaskDir;
  for (const [dag, jobs] of [
    [independent(500), 2],
    [chain(500), 2],
    [independent(2000), 2],
    [independent(1), 1],
  ]) {
    const dir = project(root, `overhead-${dag.tasks.length}-${dag.name.startsWith('chain') ? 'chain' : 'flat'}`, dag);
    if (dag.tasks.length === 1) oneTaskDir = dir;
    log(`${dag.name} at -j${jobs} (${n} runs)`);
    results.overhead.push({
      workload: dag.tasks.length === 1 ? 'one `true` task (a whole run)' : dag.name,
      tasks: dag.tasks.length,
      jobs,
      tools: compareCandidates(peers(dir, jobs, { staged: false }), n),
    });
  }
  // The run's own work per task, without processes: in-process no-op function tasks.
  for (const count of [1, 500, 2000]) {
    const dir = mkdtempSync(path.join(root, `functions-${count}-`));
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(repo, path.join(dir, 'node_modules/stagerun'), 'dir');
    writeFileSync(
      path.join(dir, 'deployfile.ts'),
      `import { pipeline } from 'stagerun';
const p = pipeline();
const names = Array.from({ length: ${count} }, (_, i) => 't' + i);
for (const name of names) p.task(name, { run: async () => {} });
p.task('all', { deps: names });
p.default('all');
export default p;
`,
    );
    log(`${count} in-process no-op tasks at -j2 (${n} runs)`);
    const tools = compareCandidates(
      [stagerun(dir, ['-j', '2', '--no-summary', '--no-progress', '--no-history'], { id: 'stagerun dag' })],
      n,
    );
    results.overhead.push({
      workload: `${count} in-process no-op function task${count === 1 ? '' : 's'}`,
      tasks: count,
      jobs: 2,
      functions: true,
      tools,
    });
  }
  // Commands that run nothing, in the one-task project (its bundle already kept by the runs above).
  log(`start-up (${n * 3} runs)`);
  results.overhead.push({
    workload: 'start-up: commands that run nothing, and `node -e 0`',
    tasks: 0,
    jobs: 1,
    tools: compareCandidates(
      [
        { id: 'stagerun --version', command: tools.node, args: [cli, '--version'], cwd: oneTaskDir },
        { id: 'stagerun --help', command: tools.node, args: [cli, '--help'], cwd: oneTaskDir },
        { id: 'stagerun --list', command: tools.node, args: [cli, '--list'], cwd: oneTaskDir },
        { id: 'node -e 0', command: tools.node, args: ['-e', '0'], cwd: oneTaskDir },
      ],
      n * 3,
    ),
  });
}

if (only.has('scale')) {
  results.runs.scale = runs(3);
  const size = Number(values['scale-tasks']);
  const dag = large(size);
  log(`generating ${size.toLocaleString('en')} tasks…`);
  const dir = project(root, 'scale', dag, { large: true });
  const memory = { memory: true, timeBinary: tools.time };
  const candidates = [
    stagerun(dir, ['-f', 'deployfile.mjs', '--dry-run'], { id: 'stagerun --dry-run (names read from JSON)', ...memory }),
    stagerun(dir, ['-f', 'deployfile.ts', '--dry-run'], { id: 'stagerun --dry-run (names computed in TypeScript)', ...memory }),
    stagerun(dir, ['-f', 'deployfile.mjs', 'compare', '-j', '64', '--simulate', '--format', 'json'], {
      id: 'stagerun compare --simulate -j64',
      ...memory,
    }),
  ];
  if (tools.make) candidates.push({ id: 'make -n -j64 (dry run)', command: tools.make, args: ['-n', '-j64', 'all'], cwd: dir, ...memory });
  if (tools.ninja)
    candidates.push({ id: 'ninja -n -j64 (dry run)', command: tools.ninja, args: ['-n', '-j64', 'all'], cwd: dir, ...memory });
  log(`scale (${results.runs.scale} runs)`);
  results.scale.push({
    workload: `${dag.name}, ${edgeCount(dag).toLocaleString('en')} edges`,
    tasks: size,
    edges: edgeCount(dag),
    tools: compareCandidates(candidates, results.runs.scale),
  });
}

if (only.has('history')) {
  // A one-task run beside a 69 MB history (200 runs of a 2,000-task pipeline) must cost
  // what it costs beside an empty one: a run reads only the recent runs of what it plans.
  results.runs.history = runs(5);
  const dag = independent(2000);
  const big = project(root, 'history-large', dag);
  const empty = project(root, 'history-empty', dag);
  log('writing 200 runs of a 2,000-task pipeline…');
  const file = writeLargeHistory(big, 2000, 200);
  const size = statSync(file).size;
  log(`history (${results.runs.history} runs)`);
  const memory = { memory: true, timeBinary: tools.time };
  const row = compareCandidates(
    [
      stagerun(big, ['t0', '--no-summary', '--no-progress'], { id: `one task, ${Math.round(size / 2 ** 20)} MB history`, ...memory }),
      stagerun(empty, ['t0', '--no-summary', '--no-progress'], { id: 'one task, no history', ...memory }),
    ],
    results.runs.history,
  );
  // Recording the run appended a line to each: the figures above include that append.
  results.history.push({ workload: 'one `true` task of a 2,000-task pipeline', historyBytes: size, tools: row });
}

/** `stagerun compare TARGET --format json …` in `dir`: its rows. */
function compareIn(dir, target, args) {
  const result = spawnSync(tools.node, [cli, 'compare', target, '--format', 'json', ...args], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`compare failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** A copy of a workload directory of this repository, with stagerun linked in as a dependency. */
function workloadCopy(from, name) {
  const dir = mkdtempSync(path.join(root, `${name}-`));
  cpSync(path.join(repo, from), dir, { recursive: true, filter: (src) => !src.includes('.stagerun') });
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repo, path.join(dir, 'node_modules/stagerun'), 'dir');
  return dir;
}

if (only.has('accuracy')) {
  // How close compare --simulate, fed by recorded runs, comes to measured runs of the seed
  // example (1 s deploys): six measured runs record the history the simulation reads.
  log('accuracy: six measured runs of the seed example, then the same simulated');
  const dir = workloadCopy('examples/seed-services', 'accuracy');
  const jobs = ['-j', '1..3', '--schedule', 'dag,stages'];
  const measured = compareIn(dir, 'deploy', [...jobs, '--yes']);
  const simulated = compareIn(dir, 'deploy', [...jobs, '--simulate']);
  for (const row of measured) {
    const guess = simulated.find((other) => other.jobs === row.jobs && other.schedule === row.schedule);
    results.accuracy.push({
      jobs: row.jobs,
      schedule: row.schedule,
      measuredMs: row.makespanMs,
      simulatedMs: guess.makespanMs,
      error: Math.abs(guess.makespanMs - row.makespanMs) / row.makespanMs,
    });
  }
}

if (only.has('contention')) {
  // The CPU model on a held-out workload (bench/workloads/contention: busy loops and sleeps
  // in a DAG): measured compare -j1..4 several times (the noise), then simulated from the
  // history those runs recorded, with the model and without it (--cores 1000: no contention).
  results.runs.contention = runs(3);
  const dir = workloadCopy('bench/workloads/contention', 'contention');
  const jobs = ['-j', '1..4'];
  const rounds = [];
  for (let round = 0; round < results.runs.contention; round++) {
    log(`contention: measured compare -j1..4, round ${round + 1} of ${results.runs.contention}`);
    rounds.push(compareIn(dir, 'all', [...jobs, '--yes']));
  }
  const simulated = compareIn(dir, 'all', [...jobs, '--simulate']);
  const uncontended = compareIn(dir, 'all', [...jobs, '--simulate', '--cores', '1000']);
  results.contention = simulated.map((guess) => {
    const measured = rounds.map((rows) => rows.find((row) => row.jobs === guess.jobs).makespanMs).sort((a, b) => a - b);
    const medianMs = measured[measured.length >> 1];
    const naiveMs = uncontended.find((row) => row.jobs === guess.jobs).makespanMs;
    return {
      jobs: guess.jobs,
      cores: guess.cores,
      measuredMs: medianMs,
      noise: (measured.at(-1) - measured[0]) / medianMs,
      simulatedMs: guess.makespanMs,
      error: Math.abs(guess.makespanMs - medianMs) / medianMs,
      coresBusy: guess.coresBusy,
      picked: guess.picked,
      naiveMs,
      naiveError: Math.abs(naiveMs - medianMs) / medianMs,
    };
  });
}

if (only.has('hashing')) {
  // Hashing 10,000 files of 10 KB: stagerun's keys (stat fast path, then reads through
  // p-queue) against git hash-object and the seed's find | sha256sum script.
  results.runs.hashing = runs(5);
  const dir = mkdtempSync(path.join(root, 'hashing-'));
  log('writing 10,000 files of 10 KB…');
  const list = writeHashingProject(dir, 10_000, 10 * 1024);
  spawnSync(tools.node, [cli, 't', '--no-history', '--no-summary'], { cwd: dir }); // records the keys (and stats)
  const changed = path.join(dir, list[4321]);
  const candidates = (label) => [
    { id: `stagerun hash (${label})`, command: tools.node, args: [cli, 'hash', 't'], cwd: dir },
    {
      id: `git hash-object --stdin-paths (${label})`,
      command: 'sh',
      args: ['-c', 'git hash-object --stdin-paths < files.list > /dev/null'],
      cwd: dir,
    },
    {
      id: `find | sha256sum (${label})`,
      command: 'sh',
      args: ['-c', 'find files -type f | sort | xargs sha256sum | sha256sum > /dev/null'],
      cwd: dir,
    },
  ];
  log(`hashing, nothing changed (${results.runs.hashing} runs)`);
  const unchanged = compareCandidates(candidates('nothing changed'), results.runs.hashing);
  const inProcessUnchanged = await keysInProcess(dir, results.runs.hashing);
  writeFileSync(changed, 'x'.repeat(10 * 1024));
  log(`hashing, one file changed (${results.runs.hashing} runs)`);
  const one = compareCandidates(candidates('one file changed'), results.runs.hashing);
  const inProcessOne = await keysInProcess(dir, results.runs.hashing);
  results.hashing.push({ workload: '10,000 files of 10 KB, nothing changed', inProcessMs: inProcessUnchanged, tools: unchanged });
  results.hashing.push({ workload: '10,000 files of 10 KB, one changed', inProcessMs: inProcessOne, tools: one });
  // One 5 GB input (sparse: little of it is on disk), hashed by a whole run: streamed, memory stays bounded.
  const big = mkdtempSync(path.join(root, 'big-input-'));
  writeLargeInputProject(big, 5 * 2 ** 30);
  log('hashing, one 5 GB input (1 run)');
  const large = compareCandidates(
    [
      { id: 'stagerun t (one 5 GB input)', ...stagerun(big, ['t', ...quietRun]), memory: true, timeBinary: tools.time },
      { id: 'sha256sum (one 5 GB input)', command: 'sha256sum', args: ['big.img'], cwd: big, memory: true, timeBinary: tools.time },
    ],
    1,
  );
  results.hashing.push({ workload: 'one 5 GB file (sparse)', large: true, tools: large });
}

if (only.has('libraries')) {
  // What execa and graphology cost, in-process: per task process, and per 100,000-task plan.
  results.runs.libraries = runs(5);
  log(`libraries: 500 processes through child_process and through execa (${results.runs.libraries} runs)`);
  const processes = await processCost(results.runs.libraries);
  log(`libraries: planning ${Number(values['scale-tasks']).toLocaleString('en')} tasks (3 runs)`);
  const planning = graphShare(large(Number(values['scale-tasks'])), 3);
  results.libraries = { processes, planning };
}

if (only.has('html')) {
  // The HTML report's cost, in-process: drawing the page (dagre's layout included) and its size.
  results.runs.html = runs(5);
  log(`html: pages of 15 to 2,000 tasks (${results.runs.html} runs)`);
  results.html = htmlCost(results.runs.html);
}

if (only.has('output')) {
  // Output through stagerun: many short lines against sed doing the prefixing alone, one
  // 40 MB line, and 135 MB read by a reader that waits 3 s before it reads anything.
  results.runs.output = runs(3);
  const dir = mkdtempSync(path.join(root, 'output-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(repo, path.join(dir, 'node_modules/stagerun'), 'dir');
  writeFileSync(
    path.join(dir, 'deployfile.ts'),
    [
      "import { pipeline } from 'stagerun';",
      'const p = pipeline();',
      "p.task('lines', { run: 'yes | head -c 20M' });",
      "p.task('long', { run: 'head -c 40000000 /dev/zero | tr \"\\\\0\" x' });",
      "p.task('flood', { run: 'seq 1 3000000 | sed \"s/$/ and forty more characters of output text/\"' });",
      'export default p;',
      '',
    ].join('\n'),
  );
  const memory = { memory: true, timeBinary: tools.time };
  const run = (task, extra = '') => ({
    command: 'sh',
    args: ['-c', `"${tools.node}" "${cli}" ${task} --no-history --no-summary --no-progress ${extra}`],
    cwd: dir,
    ...memory,
  });
  log(`output (${results.runs.output} runs)`);
  results.output = [
    {
      workload: '10 million short lines (`yes | head -c 20M`)',
      tools: compareCandidates(
        [
          { id: 'stagerun', ...run('lines') },
          { id: "sed 's/^/task │ /'", command: 'sh', args: ['-c', "yes | head -c 20M | sed 's/^/lines │ /'"], cwd: dir, ...memory },
        ],
        results.runs.output,
      ),
    },
    { workload: 'one 40 MB line without an ending', tools: compareCandidates([{ id: 'stagerun', ...run('long') }], results.runs.output) },
    {
      workload: '135 MB of output, read by a reader that waits 3 s',
      tools: compareCandidates([{ id: 'stagerun', ...run('flood', '| (sleep 3; cat > /dev/null)') }], results.runs.output),
    },
  ];
}

const markdown = renderResults(results);
process.stdout.write(`${markdown}\n`);
const out = path.join(repo, 'bench/results');
mkdirSync(out, { recursive: true });
if (SECTIONS.split(',').every((section) => only.has(section)) && !values.quick) {
  writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(out, 'latest.md'), `${markdown}\n`);
  log('wrote bench/results/latest.json and latest.md');
} else {
  log('partial or --quick run: bench/results/ left as it was');
}
