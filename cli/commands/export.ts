/** `stagerun export <engine> [targets..] [-o FILE]`: the pipeline as a GitHub Actions, GitLab CI or Bitbucket file. */
import path from 'node:path';
import { shownPlan } from '../../lib/events/secrets.js';
import { checkEngine, exportPipeline } from '../../lib/export/index.js';
import { InputLister } from '../../lib/keys/inputs.js';
import { createPlan } from '../../lib/plan/plan.js';
import { simulate } from '../../lib/run/simulate.js';
import { writeFileAtomic } from '../../lib/util/outputs.js';
import type { CliIo } from '../io.js';
import { loadProject } from '../project.js';
import type { ExportArgs } from './export-spec.js';

export async function exportCommand(args: ExportArgs, io: CliIo): Promise<number> {
  const engine = checkEngine(args.engine);
  const { file, resolved, history } = await loadProject(args, io);
  const plan = createPlan(resolved, args.targets ?? []);
  // Jobs run from the repository's root, where the checkout is.
  const root = InputLister.repoRootOf(path.dirname(file));
  const recent = history.durations(plan.tasks.map((task) => task.name));
  const penalty =
    (engine === 'bitbucket' || engine === 'codepipeline' || engine === 'jenkins') && recent.runs > 0
      ? {
          dagMs: simulate(plan, { durations: recent.durations, attempts: recent.attempts, jobs: Math.max(1, plan.tasks.length) })
            .makespanMs,
          stagesMs: simulate(plan, {
            durations: recent.durations,
            attempts: recent.attempts,
            jobs: Math.max(1, plan.tasks.length),
            schedule: 'stages',
          }).makespanMs,
          recordedRuns: recent.runs,
        }
      : undefined;
  // The file is read by everyone with the repository: what it says of a task (an approval question) is masked.
  const text = exportPipeline(shownPlan(plan, io.env), engine, {
    deployfile: path.relative(root, file).split(path.sep).join('/'),
    root,
    targets: args.targets ?? [],
    group: args.group as 'task' | 'service',
    penalty,
  });
  if (args.output === undefined || args.output === '-') io.stdout.write(text);
  else writeFileAtomic('-o', args.output, text, io.cwd);
  return 0;
}
