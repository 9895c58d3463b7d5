/** `stagerun export`: the plan as a CI system's pipeline. */

import { UsageError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { closest } from '../util/suggest.js';
import { type BitbucketOptions, toBitbucket } from './bitbucket.js';
import { toCodePipeline } from './codepipeline.js';
import { toGithubActions } from './github.js';
import { toGitlabCi } from './gitlab.js';
import { toJenkins } from './jenkins.js';
import { type ExportModel, type ExportOptions, exportModel } from './model.js';
import { ENGINES, type Engine } from './shared.js';

export { type ExportJob, type ExportModel, type ExportOptions, exportModel, jobIds } from './model.js';
export { ENGINES, type Engine } from './shared.js';

export function checkEngine(name: string): Engine {
  if ((ENGINES as readonly string[]).includes(name)) return name as Engine;
  const suggestion = ENGINES.find((engine) => engine.startsWith(name.toLowerCase())) ?? closest(name, ENGINES);
  throw new UsageError(
    `stagerun export: '${name}' is not a CI system stagerun exports to${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; choose ${ENGINES.join(', ')}`,
  );
}

/** Each engine's writer (the engines themselves are declared in engines.ts). */
const WRITERS: Record<Engine, (model: ExportModel, options: ExportOptions & BitbucketOptions) => string> = {
  'github-actions': toGithubActions,
  'gitlab-ci': toGitlabCi,
  bitbucket: toBitbucket,
  codepipeline: toCodePipeline,
  jenkins: toJenkins,
};

/** The pipeline file for `engine`: the same input gives the same bytes. */
export function exportPipeline(plan: Plan, engine: Engine, options: ExportOptions & BitbucketOptions): string {
  return WRITERS[engine](exportModel(plan, options), options);
}
