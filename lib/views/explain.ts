import type { Freshness } from '../keys/freshness.js';

/** Why a task would run or is up to date: the verdict, every reason, and what its key is made of (`name` is a planned task). */
export function explainTask(freshness: Freshness, name: string): string[] {
  const key = freshness.keys.get(name)!;
  const verdict = freshness.verdicts.get(name)!;
  const files = Object.keys(key.parts.files);
  return [
    `${name}: ${verdict.upToDate ? 'up to date, would not run' : 'would run'}`,
    ...verdict.reasons.map((reason) => `  because ${reason}`),
    `  key ${key.key}, from:`,
    `    ${files.length} input file${files.length === 1 ? '' : 's'}${files.length > 0 ? `: ${files.slice(0, 20).join(', ')}${files.length > 20 ? `, … (${files.length - 20} more)` : ''}` : ' (no inputs declared)'}`,
    `    its command, run in ${key.parts.cwd}`,
    `    env: ${Object.keys(key.parts.env).join(', ') || '(none)'}`,
    `    dependencies: ${
      Object.entries(key.parts.deps)
        .map(([dep, depKey]) => `${dep} (${depKey})`)
        .join(', ') || '(none)'
    }`,
  ];
}
