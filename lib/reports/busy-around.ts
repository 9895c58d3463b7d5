/**
 * How busy the machine was around each attempt: the mean cores the run's other attempts
 * kept busy while it ran, from their CPU time (each spread evenly over its own run time).
 * Recorded with every attempt, so that history can tell an uncontended duration (one the
 * simulator can start from) from one slowed down by its neighbours, without reading the
 * rest of the run. O(n log n) in the run's attempts.
 */
import type { AttemptReport, TaskReport } from './run-report.js';

interface Span {
  start: number;
  end: number;
  /** Cores it kept busy: CPU time / wall time. */
  rate: number;
}

/** Sets `busyAround` on every attempt whose CPU time is known (null on the others). */
export function markBusyAround(tasks: readonly TaskReport[]): void {
  const attempts: AttemptReport[] = tasks.flatMap((task) => task.attempts);
  const spans = attempts.flatMap((attempt) =>
    typeof attempt.cpuMs === 'number' && attempt.durationMs > 0
      ? [{ start: attempt.startMs, end: attempt.endMs, rate: attempt.cpuMs / attempt.durationMs }]
      : [],
  );
  const busy = cumulativeBusy(spans);
  for (const attempt of attempts) {
    if (typeof attempt.cpuMs !== 'number' || attempt.durationMs <= 0) {
      attempt.busyAround = null;
      continue;
    }
    const others = busy(attempt.endMs) - busy(attempt.startMs) - attempt.cpuMs;
    attempt.busyAround = Math.round(Math.max(0, others / attempt.durationMs) * 100) / 100;
  }
}

/** The CPU time all spans used from 0 to t, as a function of t. */
function cumulativeBusy(spans: readonly Span[]): (t: number) => number {
  const changes = spans.flatMap((span) => [
    { at: span.start, delta: span.rate },
    { at: span.end, delta: -span.rate },
  ]);
  changes.sort((a, b) => a.at - b.at);
  const times: number[] = [];
  const used: number[] = [];
  const rates: number[] = [];
  let rate = 0;
  let total = 0;
  let last = 0;
  for (const change of changes) {
    total += rate * (change.at - last);
    last = change.at;
    rate += change.delta;
    times.push(change.at);
    used.push(total);
    rates.push(rate);
  }
  return (t) => {
    // The last change at or before t.
    let low = 0;
    let high = times.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (times[middle]! <= t) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found < 0 ? 0 : used[found]! + rates[found]! * (t - times[found]!);
  };
}
