/** `stagerun export`: the plan as a CI system's pipeline. */

import { UsageError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { closest } from '../util/suggest.js';
import { type BitbucketOptions, toBitbucket } from './bitbucket.js';
import { toGithubActions } from './github.js';
import { toGitlabCi } from './gitlab.js';
import { type ExportOptions, exportModel } from './model.js';
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

/** The pipeline file for `engine`: the same input gives the same bytes. */
export function exportPipeline(plan: Plan, engine: Engine, options: ExportOptions & BitbucketOptions): string {
  const model = exportModel(plan, options);
  switch (engine) {
    case 'github-actions':
      return toGithubActions(model);
    case 'gitlab-ci':
      return toGitlabCi(model);
    case 'bitbucket':
      return toBitbucket(model, options);
  }
}
