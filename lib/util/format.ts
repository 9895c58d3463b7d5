/** Small text helpers shared by the terminal outputs: durations and aligned tables. */

/** 420ms, 1.02s, 12.3s, 2m03s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

// Escape sequences take no room on screen.
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleWidth(text: string): number {
  return text.replace(ANSI, '').length;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - visibleWidth(text))) + text;
}

/**
 * Aligned columns; `right` lists the columns aligned to the right (numbers).
 * The header row is the first row.
 */
export function table(rows: readonly (readonly string[])[], right: readonly number[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell));
  return rows.map((row) =>
    row
      .map((cell, i) => (right.includes(i) ? padStart(cell, widths[i]!) : i === row.length - 1 ? cell : padEnd(cell, widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** Which stage, for people: 1-based. */
export function stageLabel(stage: number): string {
  return String(stage + 1);
}

/** A run's targets for a heading: a merged CI run names every task it ran, so long lists are cut. */
export function shownTargets(targets: readonly string[]): string {
  if (targets.length <= 3) return targets.join(' ');
  return `${targets.slice(0, 2).join(' ')} and ${targets.length - 2} more`;
}

/**
 * Names for a table cell: all of them up to `max`, else the first ones and how many in all
 * (a goal over 100,000 tasks must not make every row of `--list` 700 KB wide).
 */
export function shownNames(names: readonly string[], max = 20): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max - 1).join(', ')}, … (${names.length.toLocaleString('en')} in all)`;
}

/** Names wider than this are cut in tables (`--list`, the summary). */
export const MAX_NAME_COLUMN = 60;

/**
 * `name` in at most `width` characters: cut in the middle, so that two long names that differ
 * at the end (`…:deploy-staging`, `…:deploy-production`) still look different.
 */
export function shortName(name: string, width: number): string {
  if (name.length <= width) return name;
  const end = Math.ceil((width - 1) / 2);
  return `${name.slice(0, width - 1 - end)}…${name.slice(name.length - end)}`;
}

/** A time axis label: whole seconds as `5s`, `10s`, tenths where the step needs them, ms below a second. */
export function tickLabel(at: number, step: number): string {
  if (at === 0) return '0';
  if (step < 1000) return `${Math.round(at)}ms`;
  return `${Number((at / 1000).toFixed(step % 1000 === 0 ? 0 : 1))}s`;
}
