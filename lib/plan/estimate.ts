/**
 * The one estimate of how long each task takes, used alike for a real run's priorities,
 * for simulation, and for the time left on the progress line: its recorded attempt
 * duration (from history, or given), times its usual number of attempts, plus the retry
 * delays between them, each attempt capped at the task's time limit. A task with no
 * record is given the median of the known ones (or `defaultDurationMs`, or 1 s when none
 * is known); a goal takes no time.
 */
import type { Plan, PlanTask } from './plan.js';

/** What is known of tasks' durations, by task name. */
export interface DurationRecords {
  /** A successful attempt's duration, ms. */
  durations?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** How many attempts a task usually takes (1 when it rarely needs a retry). */
  attempts?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** For tasks without a recorded duration. Default: the median of the known ones, else 1000. */
  defaultDurationMs?: number;
  /**
   * The share of a core each task keeps busy (CPU time / wall time, by task name). Given,
   * a simulation models CPU contention on the machine's cores; tasks without one are taken
   * to wait (0). `durations` are then the uncontended ones.
   */
  cpuShares?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

export interface Estimates {
  /** Expected time from a task's first start to its end, ms, by task id: the priority weights. */
  readonly totalMs: Float64Array;
  /** One attempt, ms, by task id. */
  readonly attemptMs: Float64Array;
  /** Share of a core one attempt keeps busy, by task id (NaN when not known: it is taken to wait). */
  readonly cpuShare: Float64Array;
  /** Attempts it is expected to take, by task id (at least 1, at most 1 + its retries). */
  readonly attempts: Uint16Array;
  /** Tasks with a command and no recorded duration. */
  readonly unknown: readonly string[];
  /** What those were given. */
  readonly defaultMs: number;
}

const NOTHING_KNOWN_MS = 1000;

function asMap(records: ReadonlyMap<string, number> | Readonly<Record<string, number>> | undefined): ReadonlyMap<string, number> {
  if (records === undefined) return new Map();
  return records instanceof Map ? records : new Map(Object.entries(records));
}

/** Expected time for a task taking `attempts` attempts of `attemptMs` each (each capped at its time limit). */
export function expectedTotal(task: PlanTask, attemptMs: number, attempts: number): number {
  const { timeout, retryDelay, retryBackoff } = task.settings;
  const one = timeout === undefined ? attemptMs : Math.min(attemptMs, timeout);
  let total = one * attempts;
  for (let retry = 1; retry < attempts; retry++) total += retryDelay * retryBackoff ** (retry - 1);
  return total;
}

export function estimate(plan: Plan, records: DurationRecords = {}): Estimates {
  const durations = asMap(records.durations);
  const attemptCounts = asMap(records.attempts);
  const shares = asMap(records.cpuShares);
  const count = plan.tasks.length;
  const cpuShare = new Float64Array(count).fill(Number.NaN);
  const attemptMs = new Float64Array(count).fill(Number.NaN);
  const attempts = new Uint16Array(count).fill(1);
  const known: number[] = [];
  const unknown: string[] = [];
  for (const task of plan.tasks) {
    if (task.run === undefined) {
      attemptMs[task.id] = 0;
      continue;
    }
    const share = shares.get(task.name);
    if (share !== undefined) cpuShare[task.id] = Math.max(0, share);
    const duration = durations.get(task.name);
    if (duration === undefined) {
      unknown.push(task.name);
    } else {
      attemptMs[task.id] = duration;
      known.push(duration);
    }
    const usual = Math.round(attemptCounts.get(task.name) ?? 1);
    attempts[task.id] = Math.max(1, Math.min(usual, task.settings.retries + 1));
  }
  known.sort((a, b) => a - b);
  const defaultMs = records.defaultDurationMs ?? (known.length > 0 ? known[known.length >> 1]! : NOTHING_KNOWN_MS);
  const totalMs = new Float64Array(count);
  for (const task of plan.tasks) {
    if (Number.isNaN(attemptMs[task.id])) attemptMs[task.id] = defaultMs;
    totalMs[task.id] = task.run === undefined ? 0 : expectedTotal(task, attemptMs[task.id]!, attempts[task.id]!);
  }
  return { totalMs, attemptMs, cpuShare, attempts, unknown, defaultMs };
}
