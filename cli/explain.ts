/** `--explain NAME`: why a task would run or is up to date; the flag's words are the CLI's, the explanation the library's. */
import { UsageError } from '../lib/errors.js';
import type { Freshness } from '../lib/keys/freshness.js';
import type { Plan } from '../lib/plan/plan.js';
import { closest } from '../lib/util/suggest.js';
import { explainTask } from '../lib/views/explain.js';

export function explain(plan: Plan, freshness: Freshness | undefined, name: string): string[] {
  if (!plan.byName.has(name)) {
    const error = new UsageError(`--explain ${name}: no task of that name among the tasks this run plans`);
    const suggestion = closest(
      name,
      plan.tasks.map((task) => task.name),
    );
    if (suggestion) error.hints.push(`did you mean '${suggestion}'?`);
    throw error;
  }
  if (!freshness) throw new UsageError(`--explain ${name}: no task of this run declares inputs, so every task runs every time`);
  return explainTask(plan.byName.get(name)!, freshness);
}
