/**
 * Flag values as the user typed them, checked here so that a mistake is named as given
 * (`-j abc`, not NaN). Ranges and meanings are the library's to check.
 */

import { UsageError } from '../lib/errors.js';
import { parseDuration } from '../lib/model/duration.js';

/** A whole number of at least `min`; undefined stays undefined. */
export function wholeNumber(flag: string, text: string | undefined, min = 1): number | undefined {
  if (text === undefined) return undefined;
  if (text === '') throw new UsageError(`${flag} needs a value, a whole number of at least ${min} (like ${flag} ${Math.max(min, 4)})`);
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} must be a whole number of at least ${min} (got '${text}')`);
  }
  return value;
}

/** Seconds, 0 or more, possibly fractional; undefined stays undefined. */
export function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} must be a number of seconds, 0 or more (got '${text}')`);
  }
  return value;
}

/**
 * A time limit in ms, from '15m', '90s', '250ms', or a bare number of seconds (as --grace);
 * undefined stays undefined. 0 is refused: it would stop everything at once, and is often
 * meant as "no limit".
 */
export function timeLimit(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(/^\s*\d+(\.\d+)?\s*$/.test(text) ? `${text.trim()}s` : text);
  if (ms === undefined)
    throw new UsageError(`${flag} must be a duration such as '15m', '90s', '250ms', or a number of seconds (got '${text}')`);
  if (ms === 0) throw new UsageError(`${flag} must be more than 0; leave it out for no limit (got '${text}')`);
  return ms;
}

/**
 * A repeatable flag, each value possibly a comma list: `--only a,b --only c` → [a, b, c].
 * (One value per flag, so that `--only fast deploy` keeps `deploy` a target.)
 */
export function list(values: string | readonly string[] | undefined): string[] {
  return ([] as string[])
    .concat(values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}
