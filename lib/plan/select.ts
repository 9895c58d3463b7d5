/**
 * Choosing what to run beyond targets: `--only` and `--skip` select tasks by tag, task
 * name, service name or glob (`'*:deploy'`), and `--no-deps` runs exactly the selected
 * tasks, trusting that their dependencies already ran. A selector that matches nothing
 * in the pipeline is a mistake, said as such: never a filter that silently selects nothing.
 */
import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import { closest } from '../util/suggest.js';
import { pipelineGraph } from './graph.js';
import type { ResolvedPipeline, ResolvedTask } from './resolve.js';

export interface Selection {
  /** Keep only tasks matching one of these (and, unless `noDeps`, what they need). */
  only?: readonly string[];
  /** Leave out tasks matching one of these; what depends on them still runs. */
  skip?: readonly string[];
  /** Run exactly the selected tasks, without the tasks they depend on. */
  noDeps?: boolean;
}

const GLOB = /[*?[\]{}!]/;

/** A selector as a test on tasks: a tag, a task name, a service name, or a glob over task names. */
export function selector(text: string): (task: ResolvedTask) => boolean {
  const glob = GLOB.test(text) ? picomatch(text, { dot: true }) : undefined;
  return (task) => task.tags.includes(text) || task.name === text || task.service === text || glob?.(task.name) === true;
}

/** Every selector must match some task of the pipeline; otherwise say which, with a suggestion. */
function check(pipeline: ResolvedPipeline, flag: string, selectors: readonly string[]): ((task: ResolvedTask) => boolean)[] {
  return selectors.map((text) => {
    const test = selector(text);
    if (pipeline.tasks.some(test)) return test;
    const names = [
      ...new Set([...pipeline.tasks.flatMap((task) => task.tags), ...pipeline.services.keys(), ...pipeline.tasks.map((task) => task.name)]),
    ];
    const suggestion = closest(text, names);
    const error = new UsageError(
      `${flag} ${text}: no task has that tag or name, and no service that name${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
    );
    const tags = [...new Set(pipeline.tasks.flatMap((task) => task.tags))];
    error.hints.push(tags.length > 0 ? `tags: ${tags.join(', ')}` : 'no task has tags; add tags: [...] to tasks or services');
    throw error;
  });
}

/**
 * The tasks to run: the targets' tasks and what they need, narrowed by `only` (plus what
 * the kept tasks need, unless `noDeps`), less `skip`. Returns the selected names and the
 * names `skip` took out.
 */
export function selectTasks(
  pipeline: ResolvedPipeline,
  targets: readonly string[],
  selection: Selection = {},
): { selected: Set<string>; skipped: string[] } {
  const only = check(pipeline, '--only', selection.only ?? []);
  const skip = check(pipeline, '--skip', selection.skip ?? []);
  const needed = closure(pipeline, targets);
  let selected = selection.noDeps ? new Set(targets) : needed;
  if (only.length > 0) {
    // Among everything the targets need; then, unless --no-deps, what the kept tasks need.
    const kept = [...needed].filter((name) => only.some((test) => test(pipeline.byName.get(name)!)));
    selected = selection.noDeps ? new Set(kept) : closure(pipeline, kept);
  }
  if (only.length > 0 && selected.size === 0) {
    throw new UsageError(
      `nothing to run: --only ${selection.only!.join(',')} matches none of ${
        targets.length === pipeline.tasks.length
          ? "the pipeline's tasks"
          : `the tasks that ${targets.join(', ')} ${targets.length === 1 ? 'needs' : 'need'}`
      }`,
    );
  }
  const skipped: string[] = [];
  if (skip.length > 0) {
    for (const name of [...selected]) {
      if (skip.some((test) => test(pipeline.byName.get(name)!))) {
        selected.delete(name);
        skipped.push(name);
      }
    }
  }
  return { selected, skipped };
}

/** The targets and everything they transitively need. */
export function closure(pipeline: ResolvedPipeline, targets: readonly string[]): Set<string> {
  const { depIds } = pipelineGraph(pipeline);
  const seen = new Uint8Array(pipeline.tasks.length);
  const queue: number[] = [];
  for (const name of targets) {
    const id = pipeline.byName.get(name)!.index;
    if (!seen[id]) {
      seen[id] = 1;
      queue.push(id);
    }
  }
  const found = [...queue];
  while (queue.length > 0) {
    for (const dep of depIds[queue.pop()!]!) {
      if (!seen[dep]) {
        seen[dep] = 1;
        queue.push(dep);
        found.push(dep);
      }
    }
  }
  return new Set(found.map((id) => pipeline.tasks[id]!.name));
}
