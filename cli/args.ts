/**
 * Flag values as the user typed them, checked here so that a mistake is named as given
 * (`-j abc`, not NaN). Ranges and meanings are the library's to check.
 */

import { UsageError } from '../lib/errors.js';
import { parseDuration } from '../lib/model/duration.js';
import { SCHEDULE_POLICIES, type SchedulePolicy } from '../lib/schedule/policies.js';

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

/** The most values of N one comparison takes: each is a run (or a simulation). */
export const MAX_JOBS_VALUES = 4096;

/** `1,2,3`, `1..3`, `1..8,16` → [1, 2, 3, …], each a whole number ≥ 1, without repeats. */
export function parseJobsList(text: string): number[] {
  const values: number[] = [];
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from < 1 || to < from) throw new UsageError(`-j range '${part}' must go up from 1 or more (like 1..8)`);
      if (to - from + 1 > MAX_JOBS_VALUES)
        throw new UsageError(`-j range '${part}' has ${to - from + 1} values; at most ${MAX_JOBS_VALUES} are compared at once`);
      for (let n = from; n <= to; n++) values.push(n);
    } else if (/^\d+$/.test(part) && Number(part) >= 1) {
      values.push(Number(part));
    } else {
      throw new UsageError(`-j takes whole numbers of at least 1, as a list (1,2,3) or a range (1..3); got '${part}'`);
    }
  }
  if (values.length === 0) throw new UsageError(`-j needs at least one value, like 1,2,3 or 1..3 (got '${text}')`);
  const unique = [...new Set(values)];
  if (unique.length > MAX_JOBS_VALUES)
    throw new UsageError(`-j '${text}' has ${unique.length} values; at most ${MAX_JOBS_VALUES} are compared at once`);
  return unique;
}

/** `dag`, `stages` or `dag,stages` → the policies, each once. */
export function parseSchedules(text: string): SchedulePolicy[] {
  const values = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const value of values) {
    if (!SCHEDULE_POLICIES.includes(value as SchedulePolicy)) {
      throw new UsageError(`--schedule takes ${SCHEDULE_POLICIES.join(', ')} or both as 'dag,stages' (got '${value}')`);
    }
  }
  if (values.length === 0) throw new UsageError('--schedule needs a value: dag, stages, or dag,stages');
  return [...new Set(values)] as SchedulePolicy[];
}
