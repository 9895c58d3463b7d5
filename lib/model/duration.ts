/** Durations as people write them: `500ms`, `58s`, `15m`, `2h`, `1.5s`, or a number of milliseconds. */

export type DurationUnit = 'ms' | 's' | 'm' | 'h';
/** A number of milliseconds, or a string such as `'58s'`, `'15m'`, `'250ms'`, `'1h'`. */
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)\s*$/;

/** Milliseconds, or undefined when `value` is not a duration (the caller says why, naming where it came from). */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = PATTERN.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
}

export const DURATION_HINT = "a duration such as '58s', '15m', '250ms', '1h', or a number of milliseconds";
