/** `--explain`'s lines: why a planned task would run or is up to date, and what its key is made of. */
import type { Freshness } from '../keys/freshness.js';
import type { PlanTask } from '../plan/plan.js';

const SHOWN_FILES = 20;

/** The verdict, every reason, what is wrong with its inputs patterns, and the key's parts. */
export function explainTask(task: PlanTask, freshness: Freshness): string[] {
  const key = freshness.keys.get(task.name)!;
  const verdict = freshness.verdicts.get(task.name)!;
  const files = Object.keys(key.parts.files);
  const { inputs, outputs, check } = task.settings;
  const listed =
    files.length > 0
      ? `: ${files.slice(0, SHOWN_FILES).join(', ')}${files.length > SHOWN_FILES ? `, … (${files.length - SHOWN_FILES} more)` : ''}`
      : '';
  const none = inputs.length === 0 ? ' (no inputs declared)' : '';
  return [
    `${task.name}: ${verdict.upToDate ? 'up to date, would not run' : 'would run'}`,
    ...verdict.reasons.map((reason) => `  because ${reason}`),
    ...key.warnings.map((warning) => `  warning: ${warning.slice(task.name.length + 2)}`),
    `  key ${key.key}, from:`,
    `    ${files.length} input file${files.length === 1 ? '' : 's'}${none}${listed}`,
    ...(inputs.length > 0 ? [`    its inputs patterns: ${inputs.map((pattern) => `'${pattern}'`).join(', ')}`] : []),
    `    its command, run in ${key.parts.cwd}`,
    `    env: ${Object.keys(key.parts.env).join(', ') || '(none)'}`,
    `    dependencies: ${
      Object.entries(key.parts.deps)
        .map(([dep, depKey]) => `${dep} (${depKey})`)
        .join(', ') || '(none)'
    }`,
    ...(outputs.length > 0 ? [`  outputs: ${outputs.join(', ')} (missing ones make it run again)`] : []),
    ...(check !== undefined ? ['  a check decides whether it runs (see the reason above)'] : []),
  ];
}
