// A mistake in a deployfile is a type error in the editor: tsc must reject exactly the marked lines.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import t from 'tap';
import { repoRoot } from './helpers/cli.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = (project: string) => spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, project)], { encoding: 'utf8' });

t.test('the deployfile API catches mistakes at compile time', async (t) => {
  const result = check('test/types/tsconfig.json');
  // An unused @ts-expect-error is itself an error (TS2578), so each marked mistake must be caught.
  t.equal(result.stdout, '', 'no type errors, and every @ts-expect-error was needed');
  t.equal(result.status, 0);
});

t.test('the published types need no @types/node (skipLibCheck off)', async (t) => {
  const result = check('test/types/consumer/tsconfig.json');
  t.equal(result.stdout, '', 'the declarations type-check on their own');
  t.equal(result.status, 0);
});

t.test('two entry points: `stagerun` for deployfile authors, `stagerun/engine` for tools', async (t) => {
  const authors = await import(path.join(repoRoot, 'dist/index.js'));
  t.same(Object.keys(authors).sort(), ['pipeline', 'service'], 'a deployfile author sees pipeline and service (and their types)');
  const engine = await import(path.join(repoRoot, 'dist/engine.js'));
  for (const name of [
    'pipeline',
    'run',
    'startRun',
    'simulate',
    'loadDeployfile',
    'toPlan',
    'LocalExecutor',
    'SimulatedExecutor',
    'VirtualClock',
    'openHistory',
    'toTrace',
    'StagerunError',
  ]) {
    t.ok(name in engine, `stagerun/engine exports ${name}`);
  }
  for (const internal of ['startSchedule', 'remainingPath', 'taskWeights', 'resolvePipeline'])
    t.notOk(internal in engine, `${internal} stays internal`);
  t.equal(authors.pipeline, engine.pipeline, 'one copy of the model behind both');
  const declarations = readFileSync(path.join(repoRoot, 'dist/types/lib/model/model.d.ts'), 'utf8');
  t.notMatch(declarations, /definitions\(\)|get upstream|get defaults/, '@internal members are not published');
});

t.test("stagerun/engine's API only grows on purpose: its names, recorded", async (t) => {
  const engine = await import(path.join(repoRoot, 'dist/engine.js'));
  // Adding a name here is a decision: it is then public, and removing it breaks someone.
  t.same(Object.keys(engine).sort(), [
    'CoreSharing',
    'CycleError',
    'DEFAULT_HISTORY_LIMIT',
    'DEPLOYFILE_NAMES',
    'DeployfileErrors',
    'DeployfileLoadError',
    'DeployfileNotFoundError',
    'DuplicateTaskError',
    'DurationSamples',
    'ENGINES',
    'EXIT_USAGE',
    'HistoryError',
    'InvalidOptionError',
    'InvalidTaskError',
    'LocalExecutor',
    'NoTargetError',
    'NotAPipelineError',
    'OutputFileError',
    'PICK_WITHIN',
    'RUN_STATUS_TABLE',
    'SCHEDULE_POLICIES',
    'SimulatedExecutor',
    'StagerunError',
    'TASK_STATUSES',
    'TASK_STATUS_TABLE',
    'UnknownDependencyError',
    'UnknownTargetError',
    'UsageError',
    'VirtualClock',
    'appendHistory',
    'bounds',
    'checkFreshness',
    'compareRows',
    'comparisonRuns',
    'computeKeys',
    'coresBusy',
    'createPlan',
    'createReportSink',
    'createTerminalReporter',
    'describeCommand',
    'exitCodeOf',
    'expectedDurations',
    'explainTask',
    'exportPipeline',
    'fanOut',
    'findDeployfile',
    'historyFile',
    'isStagerunError',
    'keysFile',
    'loadDeployfile',
    'measureConcurrency',
    'median',
    'mergeReports',
    'needs',
    'observedCriticalPath',
    'openHistory',
    'percentile',
    'pipeline',
    'readHistory',
    'readKeys',
    'readReports',
    'realClock',
    'recentDurations',
    'recordTo',
    'renderGantt',
    'renderHtmlReport',
    'renderMermaidGantt',
    'run',
    'service',
    'shareRate',
    'simulate',
    'simulateConcurrency',
    'startRun',
    'taskStats',
    'thisMachine',
    'toPlan',
    'toTrace',
    'usesInputs',
    'validatePipeline',
  ]);
  t.notMatch(readFileSync(path.join(repoRoot, 'lib/engine.ts'), 'utf8'), /export \*/, 'a named list, no export *');
});
