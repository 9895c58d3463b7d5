/** What to plan beyond the targets, for the commands that run tasks (run, compare). */
import path from 'node:path';
import { UsageError } from '../lib/errors.js';
import type { PlanOptions } from '../lib/plan/plan.js';
import type { ResolvedPipeline } from '../lib/plan/resolve.js';
import { list } from './args.js';

/** What to plan beyond the targets: the words after `--`, --only, --skip and --no-deps. */
export function selectionOf(
  args: { only?: string | undefined; skip?: string | undefined; deps: boolean },
  words: readonly string[],
): PlanOptions {
  return { args: words, only: list(args.only), skip: list(args.skip), noDeps: !args.deps };
}

/** Words after `--` go to the tasks named before it; with none named, they would go nowhere (or to the wrong deploy). */
export function passThrough(args: { targets?: string[] | undefined; '--'?: string[] | undefined }): string[] {
  const words = (args['--'] ?? []).map(String);
  if (words.length > 0 && (args.targets ?? []).length === 0) {
    const error = new UsageError(`the words after '--' (${words.join(' ')}) are for the tasks named before it, and none is named`);
    error.hints.push(`to run ${words[0]}, write: stagerun ${words.join(' ')}`);
    error.hints.push(`to pass them to a task: stagerun TASK -- ${words.join(' ')}`);
    throw error;
  }
  return words;
}

/**
 * Targets as meant from inside a service's directory: as turbo scopes a task to the package
 * you stand in, `build` there means that service's `build` (when it has one), not every
 * service's. A full name (`web:build`) or a name the service lacks is left as it is. Returns
 * the targets and, when any was scoped, a note saying so.
 */
export function scopedTargets(
  pipeline: ResolvedPipeline,
  cwd: string,
  targets: readonly string[],
): { targets: string[]; note: string | undefined } {
  const service = serviceAt(pipeline, cwd);
  if (!service || targets.length === 0) return { targets: [...targets], note: undefined };
  const scoped = targets.map((target) =>
    !target.includes(':') && pipeline.byName.has(`${service}:${target}`) && !pipeline.byName.has(target) ? `${service}:${target}` : target,
  );
  const changed = targets.filter((target, index) => scoped[index] !== target);
  if (changed.length === 0) return { targets: scoped, note: undefined };
  const said = changed.map((target) => `${target} means ${service}:${target}`).join(', ');
  return {
    targets: scoped,
    note: `in ${service}'s directory, ${said} (name it service:task, or run from the project's root, for every service's)`,
  };
}

/** The service whose directory `cwd` is in (the deepest, if services nest), other than the project's root. */
function serviceAt(pipeline: ResolvedPipeline, cwd: string): string | undefined {
  let found: { name: string; dir: string } | undefined;
  for (const [name, tasks] of pipeline.services) {
    const own = tasks.map((task) => pipeline.byName.get(task)!).find((task) => task.settings.cwd === undefined);
    if (!own || own.cwd === pipeline.root) continue;
    const inside = cwd === own.cwd || cwd.startsWith(`${own.cwd}${path.sep}`);
    if (inside && (!found || own.cwd.length > found.dir.length)) found = { name, dir: own.cwd };
  }
  return found?.name;
}
