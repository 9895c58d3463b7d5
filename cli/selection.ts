/** What to plan beyond the targets, for the commands that run tasks (run, compare). */
import { UsageError } from '../lib/errors.js';
import type { PlanOptions } from '../lib/plan/plan.js';
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
