/**
 * Chrome trace-event JSON of a run (opens in Perfetto and chrome://tracing): one track
 * per concurrency slot, one complete ("X") event per task, times in microseconds.
 */
import type { RunReport } from '../reports/run-report.js';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

export interface Trace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
}

export function toTrace(report: RunReport): Trace {
  const critical = new Set(report.criticalPath);
  const events: TraceEvent[] = [
    {
      name: 'process_name',
      ph: 'M',
      pid: 1,
      tid: 0,
      args: { name: `stagerun ${report.targets.join(' ')} -j${report.jobs} (${report.schedule})` },
    },
  ];
  for (let slot = 0; slot < report.jobs; slot++) {
    events.push({ name: 'thread_name', ph: 'M', pid: 1, tid: slot + 1, args: { name: `slot ${slot + 1}` } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: 1, tid: slot + 1, args: { sort_index: slot } });
  }
  for (const task of report.tasks) {
    // One event per attempt, on the slot it ran in; a retried task's earlier attempts are marked as such.
    for (const attempt of task.attempts) {
      const last = attempt === task.attempts.at(-1);
      const categories = ['task', ...(critical.has(task.name) ? ['critical'] : []), ...(last ? [] : ['retried'])];
      events.push({
        name: task.attempts.length > 1 ? `${task.name} (attempt ${attempt.number})` : task.name,
        cat: categories.join(','),
        ph: 'X',
        pid: 1,
        tid: attempt.slot + 1,
        ts: Math.round(attempt.startMs * 1000),
        dur: Math.round(attempt.durationMs * 1000),
        args: {
          status: last ? task.status : 'retried',
          outcome: attempt.outcome,
          exitCode: attempt.exitCode,
          signal: attempt.signal,
          attempt: attempt.number,
          stage: task.stage + 1,
          deps: task.deps,
          critical: critical.has(task.name),
          ...(task.approvalWaitMs !== null ? { approvalWaitMs: task.approvalWaitMs } : {}),
        },
      });
    }
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: { id: report.id, startedAt: report.startedAt, makespanMs: report.makespanMs, simulated: report.simulated },
  };
}
