// stagerun export: golden files per CI system, each validated by that system's own parser or
// schema; the same input gives the same bytes; and the exported GitHub jobs, run here one by
// one in needs order, do what a local run does.

import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import {
  appendHistory,
  createPlan,
  ENGINES as ENGINE_NAMES,
  exportPipeline,
  historyFile,
  loadDeployfile,
  simulate,
  toPlan,
  validatePipeline,
} from '../lib/engine.js';
import { pipeline } from '../lib/index.js';
import type { RunReport } from '../lib/reports/run-report.js';
import { copyExample, readJson, repoRoot, runMain, tempProject } from './helpers/cli.js';
import {
  BITBUCKET_SCHEMA,
  cloudFormationErrors,
  GITLAB_SCHEMA,
  githubErrors,
  groovyErrors,
  jenkinsStructureErrors,
  schemaErrors,
} from './helpers/validators.js';

const ENGINES = ['github-actions', 'gitlab-ci', 'bitbucket', 'codepipeline', 'jenkins'] as const;
/** A golden file's name: YAML for the CI systems that read YAML, a Jenkinsfile for Jenkins. */
const goldenName = (example: string, engine: string) => `${example}.${engine}${engine === 'jenkins' ? '.Jenkinsfile' : '.yml'}`;
const golden = (name: string) => path.join(repoRoot, 'test/fixtures/export', name);

async function exported(example: string, engine: string, extra: string[] = []): Promise<string> {
  const dir = copyExample(example);
  const result = await runMain(['export', engine, ...extra], { cwd: dir });
  if (result.code !== 0) throw new Error(result.stderr);
  return result.stdout;
}

async function validate(engine: string, text: string): Promise<string[]> {
  switch (engine) {
    case 'github-actions':
      return githubErrors(text);
    case 'gitlab-ci':
      return schemaErrors(GITLAB_SCHEMA, text);
    case 'codepipeline':
      return cloudFormationErrors(text);
    case 'jenkins':
      return jenkinsStructureErrors(text);
    default:
      return schemaErrors(BITBUCKET_SCHEMA, text);
  }
}

t.test('the GitHub check includes actionlint: it finds what the parser lets through', async (t) => {
  const expression = ['$', '{{ github.event.head_commit.message }}'].join('');
  const unsafe = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${expression}"\n`;
  const errors = await githubErrors(unsafe);
  t.ok(
    errors.some((error) => /^actionlint 6:\d+: .*potentially untrusted.*\[expression\]$/.test(error)),
    errors.join('\n'),
  );
});

t.test("every engine's summary saves the merged run's HTML page beside its JSON", async (t) => {
  for (const engine of ENGINES) {
    const text = readFileSync(golden(goldenName('release-pipeline', engine)), 'utf8');
    t.match(text, /report --merge \\?'stagerun-report-\*\.json\\?' --format html > stagerun-run\.html/, `${engine}: the page is made`);
    const kept = text.split('stagerun-run.html').length - 1;
    t.ok(kept >= 2, `${engine}: and kept as an artifact (named ${kept} times)`);
  }
});

for (const example of ['seed-services', 'release-pipeline']) {
  for (const engine of ENGINES) {
    t.test(`${example} → ${engine}: the golden file, valid for ${engine}`, async (t) => {
      const text = await exported(example, engine);
      const file = golden(goldenName(example, engine));
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
      t.ok(existsSync(file), `${file} exists (UPDATE_GOLDEN=1 writes it)`);
      t.equal(text, readFileSync(file, 'utf8'), 'byte for byte the golden file');
      t.equal(await exported(example, engine), text, 'the same input gives the same bytes');
      t.same(await validate(engine, text), [], `${engine}'s own validator finds no error`);
    });
  }
}

t.test('one job per service is valid too; jobs that need each other through their tasks are refused', async (t) => {
  for (const engine of ENGINES) {
    const text = await exported('release-pipeline', engine, ['--group', 'service']);
    t.same(await validate(engine, text), [], `${engine} with --group service`);
    if (engine === 'github-actions') {
      const jobs = Object.keys(parse(text).jobs);
      for (const job of ['infra', 'api', 'web', 'db', 'smoke', 'deploy-production']) t.ok(jobs.includes(job), `a job for ${job}`);
    }
  }
});

t.test('job ids: safe, from each name alone (injective), never a GitLab keyword or the summary job; goals linked through', async (t) => {
  const p = pipeline();
  const names = ['a:b', 'a-b', 'A-B', 'image', 'stagerun-summary', '1st', 'x.y/z'];
  for (const name of names) p.task(name, { run: 'true' });
  p.task('all', { deps: names });
  p.task('after', { run: 'true', deps: ['all'] });
  const plan = toPlan(p, ['after'], '/repo');
  t.same(ENGINE_NAMES, ENGINES, 'the engines the library exports are those tested here');
  const workflow = parse(exportPipeline(plan, 'github-actions', { deployfile: 'deployfile.ts', root: '/repo', targets: ['after'] }));
  const ids = Object.keys(workflow.jobs);
  t.same(ids.slice(0, 2), ['a--b', 'a-b'], 'plain names are their own ids; a service task joins its parts with --');
  t.match(ids[2], /^a-b-H[0-9A-F]{10}$/, 'anything else: a readable form and a hash of the exact name, in capitals');
  t.match(ids[3], /^image-H[0-9A-F]{10}$/, 'a GitLab keyword is never an id');
  t.match(ids[4], /^stagerun-summary-H[0-9A-F]{10}$/, "nor is the summary job's");
  t.match(ids[5], /^_1st-H[0-9A-F]{10}$/);
  t.match(ids[6], /^x-y-z-H[0-9A-F]{10}$/);
  t.same(ids.slice(7), ['after', 'stagerun-summary']);
  t.equal(new Set(ids.map((id) => id.toLowerCase())).size, ids.length, 'unique, ignoring case');
  t.same(workflow.jobs.after.needs, ids.slice(0, 7), 'the goal `all` is gone; `after` needs what it grouped');
  t.same(await githubErrors(exportPipeline(plan, 'github-actions', { deployfile: 'deployfile.ts', root: '/repo', targets: [] })), []);
  const gitlab = exportPipeline(plan, 'gitlab-ci', { deployfile: 'deployfile.ts', root: '/repo', targets: [] });
  t.same(schemaErrors(GITLAB_SCHEMA, gitlab), [], 'a task named image is a job, not the pipeline image');
  t.match(parse(gitlab).image, undefined);
});

t.test("a job's id depends on its own task's name only: declaring another task never renames it", async (t) => {
  const exportOf = (names: string[]) => {
    const p = pipeline();
    for (const name of names) p.task(name, { run: 'true', approval: name === 'prod-deploy' ? 'Ship?' : undefined });
    return parse(
      exportPipeline(toPlan(p, names, '/repo'), 'github-actions', { deployfile: 'deployfile.ts', root: '/repo', targets: names }),
    );
  };
  const before = exportOf(['prod-deploy']);
  const after = exportOf(['prod.deploy', 'prod-deploy']);
  t.equal(before.jobs['prod-deploy'].environment, 'prod-deploy');
  t.equal(after.jobs['prod-deploy'].environment, 'prod-deploy', 'the gated job keeps its id, and its protected environment');
  t.equal(after.jobs['prod-deploy'].name, 'prod-deploy');
});

t.test('what each engine gets: needs without goals, time limits, approvals, resources, secrets, outputs', async (t) => {
  const github = parse(await exported('release-pipeline', 'github-actions'));
  t.same(github.jobs['deploy-production'].needs, ['smoke'], 'the goal release is dropped; smoke is needed directly');
  t.equal(github.jobs['deploy-production'].environment, 'deploy-production', 'the approval gate is an environment');
  t.equal(github.jobs['deploy-production']['timeout-minutes'], 25, "15 minutes' limit plus the job's setup");
  t.match(github.jobs['db--migrate'].concurrency, { group: 'stagerun-prod-db', 'cancel-in-progress': false });
  t.ok(github.jobs['db--verify'].needs.includes('db--migrate'));
  const secretStep = github.jobs['api--build'].steps.find((step: { run?: string }) => step.run?.startsWith('npx stagerun'));
  t.equal(secretStep.env.REGISTRY_PASSWORD, `${'$'}{{ secrets.REGISTRY_PASSWORD }}`, 'a GitHub expression, not a shell variable');
  t.equal(github.jobs['api--build'].env, undefined, 'not set for the whole job');
  t.same(
    github.jobs['api--build'].steps.filter((step: { env?: unknown }) => step.env !== undefined).length,
    1,
    'only the step that runs stagerun gets the secrets (not checkout, cache or upload)',
  );
  const upload = github.jobs['api--build'].steps.find(
    (step: { uses?: string; with?: { name?: string } }) => step.with?.name === 'outputs-api--build',
  );
  t.match(upload, { uses: 'actions/upload-artifact@v4', with: { path: 'api/dist/**' } });
  const download = github.jobs['api--push'].steps.find((step: { uses?: string }) => step.uses === 'actions/download-artifact@v4');
  t.match(download, { with: { name: 'outputs-api--build', path: 'api/dist' } }, 'push gets what build made, where it was');
  const run = github.jobs['deploy-production'].steps.find((step: { run?: string }) => step.run?.startsWith('npx stagerun'));
  t.equal(
    run.run,
    'npx stagerun -f deployfile.ts deploy-production --no-deps --approve deploy-production --report stagerun-report-deploy-production.json',
  );
  t.same(
    github.jobs['stagerun-summary'].needs.length,
    12,
    'every job but the approval gate (deploy-production), which the summary does not wait for',
  );

  const gitlab = parse(await exported('release-pipeline', 'gitlab-ci'));
  t.match(gitlab['deploy-production'], { when: 'manual', allow_failure: false, timeout: '25 minutes' });
  t.equal(gitlab['db--migrate'].resource_group, 'prod-db');
  t.match(gitlab.smoke.retry, { max: 2, when: ['runner_system_failure', 'stuck_or_timeout_failure'] });
  t.same(
    gitlab['api--push'].needs,
    [
      { job: 'api--test', artifacts: false },
      { job: 'api--build', artifacts: true },
    ],
    'GitLab passes artifacts along needs: push needs build for its outputs',
  );
  t.same(gitlab['api--deploy-staging'].resource_group, 'staging-1');
  t.same(gitlab['web--deploy-staging'].resource_group, 'staging-2', 'capacity 2: two groups');

  const bitbucket = await exported('release-pipeline', 'bitbucket');
  t.match(
    bitbucket,
    /^# - Bitbucket Pipelines has no job-level dependencies and no nested parallel groups: the 13 jobs run in \d+ barrier stages/m,
  );
  t.match(bitbucket, /^# - No run is recorded yet, so the cost of the stages cannot be predicted/m);
  const steps = parse(bitbucket).pipelines.default as { step?: { name: string; trigger?: string } }[];
  t.equal(steps.find((entry) => entry.step?.name === 'deploy-production')?.step?.trigger, 'manual');
});

t.test('the Bitbucket file says what its barrier stages cost, from the recorded runs', async (t) => {
  const dir = copyExample('seed-services');
  // A recorded run with known durations (F 1 s, the others 0.1 s), so that the figures are
  // exact: a real run's durations, under a loaded suite, swung the prediction by a second.
  // Following the dependencies F runs beside A → D → C (1.0 s); in stages D waits for F (1.2 s).
  const deployfile = path.join(dir, 'deployfile.ts');
  const plan = createPlan(validatePipeline(await loadDeployfile(deployfile)), ['deploy']);
  const durations = Object.fromEntries(plan.tasks.map((task) => [task.name, task.name === 'service_f:deploy' ? 1000 : 100]));
  const recorded = { ...simulate(plan, { jobs: 6, durations }), simulated: false, deployfile };
  appendHistory(historyFile(deployfile), recorded);
  const text = (await runMain(['export', 'bitbucket'], { cwd: dir })).stdout;
  const [, stages, dag, percent] =
    /^# - From 1 recorded run, stagerun compare --simulate predicts (\d\.\d) s in stages against (\d\.\d) s following the dependencies \(\+(\d+) %\)\.$/m.exec(
      text,
    ) ?? [];
  t.equal(dag, '1.0', "dag: F's 1 s, beside A → D → C");
  t.equal(stages, '1.2', 'stages: F, then D, then C');
  t.equal(percent, '20', 'the percentage is of the DAG makespan');
  t.same(schemaErrors(BITBUCKET_SCHEMA, text), []);
});

t.test('export errors: an unknown engine, and -o to a file', async (t) => {
  const dir = copyExample('seed-services');
  const bad = await runMain(['export', 'github'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /stagerun export: 'github' is not a CI system stagerun exports to \(did you mean 'github-actions'\?\)/);
  const written = await runMain(['export', 'gitlab-ci', '-o', 'ci.yml'], { cwd: dir });
  t.equal(written.code, 0);
  t.equal(written.stdout, '');
  t.match(readFileSync(path.join(dir, 'ci.yml'), 'utf8'), /^stages:$/m);
  const none = await runMain(['report', '--merge'], { cwd: dir });
  t.equal(none.code, 2);
  t.match(none.stderr, /^stagerun: no run reports match stagerun-report-\*\.json\n {2}each job of an exported pipeline writes one/m);
  writeFileSync(path.join(dir, 'bad.json'), '{"a":1}');
  const damaged = await runMain(['history', '--import', 'bad.json'], { cwd: dir });
  t.match(damaged.stderr, /^stagerun: bad\.json is not a run report: /m);
  t.equal(damaged.code, 2);
  const missing = await runMain(['history', '--import', 'nothere.json'], { cwd: dir });
  t.match(missing.stderr, /^stagerun: cannot read the run report nothere\.json: no such file$/m);
  t.notOk(existsSync(path.join(dir, '.stagerun/history.jsonl')), 'nothing was added to history');
});

/** The words of a command our exporter wrote (shellQuote's quoting, undone). */
function words(command: string): string[] {
  return [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((match) =>
    match[1] !== undefined ? match[1].replace(/'\\''/g, "'") : match[2]!,
  );
}

t.test('the exported GitHub jobs, run here in needs order, run the same tasks as a local run, each after what it needs', async (t) => {
  const env = { DEPLOY_SECONDS: '0.02' };
  const local = copyExample('seed-services');
  t.equal((await runMain(['deploy', '--report', 'local.json'], { cwd: local, env })).code, 0);
  const localReport = readJson<RunReport>(path.join(local, 'local.json'));

  const dir = copyExample('seed-services');
  const workflow = parse((await runMain(['export', 'github-actions', 'deploy'], { cwd: dir })).stdout) as {
    jobs: Record<string, { needs?: string[]; steps: { run?: string }[] }>;
  };
  const done = new Set<string>();
  const pending = Object.keys(workflow.jobs).filter((id) => id !== 'stagerun-summary');
  const order: string[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((id) => (workflow.jobs[id]!.needs ?? []).every((need) => done.has(need)));
    t.not(index, -1, 'some job always has its needs done');
    const [id] = pending.splice(index, 1);
    const command = workflow.jobs[id!]!.steps.find((step) => step.run?.startsWith('npx stagerun'))!.run!;
    const result = await runMain(words(command).slice(2), { cwd: dir, env });
    t.equal(result.code, 0, `${id}: ${result.stderr}`);
    done.add(id!);
    order.push(id!);
  }
  const reports = readdirSync(dir).filter((name) => name.startsWith('stagerun-report-'));
  t.equal(reports.length, 6, 'each job wrote its report');

  // The summary job's own commands, their redirections done here.
  const summaryFile = path.join(dir, 'step-summary.md');
  const summary = workflow.jobs['stagerun-summary']!.steps.find((step) => step.run?.includes('--merge'))!.run!;
  for (const line of summary.trim().split('\n')) {
    const [, command, redirect, file] = /^(.*?)(?: (>>?) (\S+))?$/.exec(line)!;
    const result = await runMain(words(command!).slice(2), { cwd: dir, env });
    t.equal(result.code, 0, `${line}: ${result.stderr}`);
    const target = file === '"$GITHUB_STEP_SUMMARY"' ? summaryFile : path.join(dir, file!);
    writeFileSync(target, result.stdout, { flag: redirect === '>>' ? 'a' : 'w' });
  }
  const report = readJson<RunReport>(path.join(dir, 'stagerun-run.json'));
  const ran = (one: RunReport) =>
    one.tasks
      .filter((task) => task.command && task.status === 'ok')
      .map((task) => task.name)
      .sort();
  t.same(ran(report), ran(localReport), 'the same tasks succeeded');
  t.equal(report.status, localReport.status);
  t.equal(report.mergedFrom, 6);
  for (const task of report.tasks) {
    for (const dep of task.deps) {
      const needed = report.tasks.find((other) => other.name === dep)!;
      t.ok(needed.endMs! <= task.startMs!, `${task.name} started after ${dep} ended`);
    }
  }
  t.same(
    report.tasks.find((task) => task.name === 'service_d:deploy')!.deps,
    ['service_a:deploy', 'service_b:deploy'],
    'the dependencies come from the deployfile',
  );
  const markdown = readFileSync(summaryFile, 'utf8');
  t.match(markdown, /^### ✅ stagerun service_a:deploy service_b:deploy and 4 more: ok, /m);
  t.match(markdown, /merged from 6 CI jobs/);
  t.match(markdown, /```mermaid\ngantt/);

  // On a laptop: the CI run, imported, feeds the simulation.
  const laptop = copyExample('seed-services');
  const before = await runMain(['compare', 'deploy', '-j', '2', '--simulate', '--format', 'json'], { cwd: laptop });
  t.match(before.stderr, /no history for/);
  const imported = await runMain(['history', '--import', path.join(dir, 'stagerun-run.json')], { cwd: laptop });
  t.equal(imported.code, 0, imported.stderr);
  t.match(imported.stderr, /^stagerun: added 1 run to \.stagerun\/history\.jsonl$/m);
  const again = await runMain(['history', '--import', path.join(dir, 'stagerun-run.json')], { cwd: laptop });
  t.match(again.stderr, /added 0 runs to .*\(1 already there\)/, 'the same run imported twice counts once');
  t.match(again.stdout, /^last 1 of 1 run /m);
  const simulated = await runMain(['compare', 'deploy', '-j', '2', '--simulate', '--format', 'json'], { cwd: laptop });
  t.match(simulated.stdout, /"makespanMs"/, 'the merged CI run now feeds the simulation');
  t.notMatch(simulated.stderr, /no history for/);

  // Or in CI itself: --record keeps the merged run in that checkout's history.
  const recorded = await runMain(['report', '--merge', 'stagerun-report-*.json', '--record', '--format', 'table'], { cwd: dir });
  t.equal(recorded.code, 0);
  t.match(
    (await runMain(['history'], { cwd: dir })).stdout,
    /^\S+ \S+ +\S+ +service_a:deploy service_b:deploy and 4 more +6 +CI jobs +[\d.]+m?s +ok$/m,
  );
});

t.test('a task that uses two capacity-1 resources: one group for both, said in the header', async (t) => {
  const p = pipeline({ resources: { db: 1, staging: 1, pool: 2 } });
  p.task('migrate', { run: 'true', uses: ['db'] });
  p.task('seed', { run: 'true', uses: ['db', 'staging'] });
  p.task('smoke', { run: 'true', uses: ['staging'] });
  p.task('load', { run: 'true', uses: ['pool', 'staging'] });
  p.task('other', { run: 'true', uses: ['pool'] });
  const names = ['migrate', 'seed', 'smoke', 'load', 'other'];
  const plan = toPlan(p, names, '/repo');
  const options = { deployfile: 'deployfile.ts', root: '/repo', targets: names };
  const github = exportPipeline(plan, 'github-actions', options);
  const jobs = parse(github).jobs;
  for (const name of ['migrate', 'seed', 'smoke', 'load'])
    t.equal(jobs[name].concurrency.group, 'stagerun-db/staging', `${name}: the merged group, so none of them overlap`);
  t.equal(jobs.other.concurrency.group, 'stagerun-pool-2');
  t.match(github, /resources db, staging \(capacity 1\) are used together by some task.*share the group db\/staging/);
  t.match(github, /job load also uses pool, which its one concurrency group cannot hold/);
  const gitlab = parse(exportPipeline(plan, 'gitlab-ci', options));
  t.equal(gitlab.seed.resource_group, 'db/staging');
  t.same(schemaErrors(GITLAB_SCHEMA, exportPipeline(plan, 'gitlab-ci', options)), []);
  t.same(await githubErrors(github), []);
});

t.test('GitLab: no job needs more than 50 others; a 60-task fan-in keeps every edge through fan-in jobs', async (t) => {
  const p = pipeline();
  const leaves = Array.from({ length: 60 }, (_, i) => `build${i}`);
  for (const name of leaves) p.task(name, { run: 'true', outputs: [`out/${name}.txt`] });
  p.task('release', { run: 'true', deps: leaves });
  const plan = toPlan(p, ['release'], '/repo');
  const text = exportPipeline(plan, 'gitlab-ci', { deployfile: 'deployfile.ts', root: '/repo', targets: ['release'] });
  t.same(schemaErrors(GITLAB_SCHEMA, text), []);
  const gitlab = parse(text) as Record<string, { needs?: { job: string; artifacts: boolean }[]; artifacts?: { paths: string[] } }>;
  for (const [id, job] of Object.entries(gitlab)) t.ok((job.needs?.length ?? 0) <= 50, `${id}: ${job.needs?.length ?? 0} needs`);
  // Every leaf is reached from release, through its fan-in jobs, with its outputs passed on.
  const reached = new Set<string>();
  const walk = (id: string) => {
    for (const need of gitlab[id]?.needs ?? []) {
      reached.add(need.job);
      walk(need.job);
    }
  };
  walk('release');
  t.ok(
    leaves.every((leaf) => reached.has(leaf)),
    'release still needs every build, one step further back',
  );
  const fanIns = Object.keys(gitlab).filter((id) => id.startsWith('release--needs-'));
  t.equal(fanIns.length, 2);
  t.ok(gitlab[fanIns[0]!]!.artifacts!.paths.includes('out/build0.txt'), 'a fan-in job passes the outputs on');
  t.ok(
    Object.keys(gitlab).some((id) => id.startsWith('stagerun-summary--needs-')),
    'the summary gathers 61 reports the same way',
  );
});

t.test('GitLab: the summary does not wait for an approval gate, nor for what comes after it', async (t) => {
  const gitlab = parse(await exported('release-pipeline', 'gitlab-ci'));
  const needed = gitlab['stagerun-summary'].needs.map((need: { job: string }) => need.job);
  t.notOk(needed.includes('deploy-production'), 'not the manual job');
  t.ok(needed.includes('smoke'), 'what ran before it, yes');
  t.match(await exported('release-pipeline', 'gitlab-ci'), /the summary does not wait for the approval gates/);
});

t.test(
  'CodePipeline: the rules beyond the schema (a source stage first, inputs from earlier actions, no task before what it needs)',
  async (t) => {
    const template = parse(await exported('release-pipeline', 'codepipeline'));
    const stages = template.Resources.Pipeline.Properties.Stages as {
      Name: string;
      Actions: {
        Name: string;
        ActionTypeId: { Category: string };
        RunOrder: number;
        InputArtifacts?: { Name: string }[];
        OutputArtifacts?: { Name: string }[];
      }[];
    }[];
    t.ok(
      stages[0]!.Actions.every((action) => action.ActionTypeId.Category === 'Source'),
      'the first stage holds only source actions',
    );
    t.ok(stages.slice(1).every((stage) => stage.Actions.every((action) => action.ActionTypeId.Category !== 'Source')));
    const produced = new Set<string>();
    for (const stage of stages) {
      for (const action of [...stage.Actions].sort((a, b) => a.RunOrder - b.RunOrder)) {
        for (const input of action.InputArtifacts ?? [])
          t.ok(produced.has(input.Name), `${action.Name}: ${input.Name} comes from an earlier action`);
      }
      for (const action of stage.Actions) for (const output of action.OutputArtifacts ?? []) produced.add(output.Name);
    }
    // Each task after what it needs: an earlier stage, or a lower run order in the same one.
    const position = new Map<string, [number, number]>();
    stages.forEach((stage, index) => {
      for (const action of stage.Actions) position.set(action.Name, [index, action.RunOrder]);
    });
    const github = parse(await exported('release-pipeline', 'github-actions'));
    for (const [id, job] of Object.entries(github.jobs as Record<string, { needs?: string[] }>)) {
      if (id === 'stagerun-summary') continue;
      for (const need of job.needs ?? []) {
        const [stage, order] = position.get(id)!;
        const [needStage, needOrder] = position.get(need)!;
        t.ok(needStage < stage || (needStage === stage && needOrder < order), `${id} comes after ${need}`);
      }
    }
    const gate = stages.flatMap((stage) => stage.Actions).find((action) => action.ActionTypeId.Category === 'Approval')!;
    t.equal(gate.Name, 'approve-deploy-production', 'the approval is an action before the gated task');
    t.same(cloudFormationErrors(await exported('release-pipeline', 'codepipeline')), []);
  },
);

t.test('Jenkins: Groovy that parses (npm-groovy-lint), locks, an input for the gate, time limits, the merged report', async (t) => {
  const files = ['seed-services', 'release-pipeline'].map((example) => golden(goldenName(example, 'jenkins')));
  // A broken copy in the same run (one JVM start): the check must be able to fail.
  const broken = path.join(copyExample('seed-services'), 'broken.Jenkinsfile');
  writeFileSync(broken, readFileSync(files[0]!, 'utf8').replace("stage('stage-1') {", "stage('stage-1' {"));
  const errors = groovyErrors([...files, broken]);
  if (errors === undefined) t.pass('skipped the Groovy syntax check: no Java runtime here (npm-groovy-lint runs CodeNarc on Java)');
  else {
    t.same(
      errors.filter((error) => !error.startsWith('broken.Jenkinsfile')),
      [],
      'npm-groovy-lint finds no error in the exports',
    );
    t.ok(
      errors.some((error) => error.startsWith('broken.Jenkinsfile')),
      `and finds the one planted in a copy: ${errors.join('; ')}`,
    );
  }
  const text = await exported('release-pipeline', 'jenkins');
  t.match(text, /stage\('db--migrate'\) \{[\s\S]*?lock\(resource: 'prod-db'\) \{/, "a resource is the Lockable Resources plugin's lock");
  t.match(text, /lock\(label: 'staging', quantity: 1\)/, 'a resource of capacity 2: one of two labelled locks');
  t.match(text, /stage\('deploy-production'\) \{[\s\S]*?input \{\n\s+message 'Deploy api and web to production\?'/, 'the gate is an input');
  t.match(
    text,
    /stage\('deploy-production'\) \{[\s\S]*?timeout\(time: 25, unit: 'MINUTES'\)/,
    "the task's limit, with its attempts and setup",
  );
  t.match(text, /post \{\n {4}always \{[\s\S]*report --merge \\'stagerun-report-\*\.json\\'/, 'the reports are merged whatever happened');
  t.match(text, /sh 'npx stagerun -f deployfile\.ts "\$STAGERUN_TASK" --no-deps --approve deploy-production --report/);
});

t.test(
  'the exported GitLab jobs, each run on a fresh checkout with its needs artifacts, tag with exactly the keys stagerun hash prints',
  async (t) => {
    // As a GitLab runner does (gitlab-ci-local the same): every job in a fresh copy of the
    // repository, with the artifacts of the jobs it needs; no .stagerun/keys.json anywhere.
    const files = {
      'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
const api = p.service('api');
api.task('build', { run: 'mkdir -p dist && echo "$STAGERUN_HASH" > dist/build.txt', inputs: ['src/**'], outputs: ['dist/**'] });
api.task('image', { run: 'test -f dist/build.txt && echo "api:$STAGERUN_HASH" > image.txt', deps: ['build'], inputs: ['Dockerfile'] });
p.task('deploy', { run: 'echo "deploy:$STAGERUN_HASH" > deployed.txt', deps: ['api:image'] });
p.default('deploy');
export default p;
`,
      'api/src/main.ts': 'main',
      'api/Dockerfile': 'FROM node:20',
    };
    const source = tempProject(files);
    const pipelineFile = parse((await runMain(['export', 'gitlab-ci'], { cwd: source })).stdout) as Record<
      string,
      { needs?: { job: string; artifacts: boolean }[]; script?: string[]; artifacts?: { paths: string[] } }
    >;
    const jobs = Object.keys(pipelineFile).filter((id) => pipelineFile[id]!.script && id !== 'stagerun-summary');
    const checkouts = new Map<string, string>();
    const done = new Set<string>();
    while (done.size < jobs.length) {
      const id = jobs.find((job) => !done.has(job) && (pipelineFile[job]!.needs ?? []).every((need) => done.has(need.job)))!;
      t.ok(id, 'some job always has its needs done');
      const dir = tempProject(files);
      for (const need of pipelineFile[id]!.needs ?? []) {
        if (!need.artifacts) continue;
        for (const pattern of pipelineFile[need.job]!.artifacts?.paths ?? []) {
          const base = pattern.replace(/\/\*\*$/, '');
          const from = path.join(checkouts.get(need.job)!, base);
          if (existsSync(from)) cpSync(from, path.join(dir, base), { recursive: true });
        }
      }
      const result = await runMain(words(pipelineFile[id]!.script!.at(-1)!).slice(2), { cwd: dir });
      t.equal(result.code, 0, `${id}: ${result.stderr}`);
      checkouts.set(id, dir);
      done.add(id);
    }
    const hash = async (task: string) => (await runMain(['hash', task], { cwd: source })).stdout.trim();
    t.equal(readFileSync(path.join(checkouts.get('api--build')!, 'api/dist/build.txt'), 'utf8').trim(), await hash('api:build'));
    t.equal(readFileSync(path.join(checkouts.get('api--image')!, 'api/image.txt'), 'utf8').trim(), `api:${await hash('api:image')}`);
    t.equal(readFileSync(path.join(checkouts.get('deploy')!, 'deployed.txt'), 'utf8').trim(), `deploy:${await hash('deploy')}`);
  },
);
