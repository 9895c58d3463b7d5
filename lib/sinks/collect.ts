/** The sink that builds the run report (reports/run-report.ts) from the event stream. */
import { type RunEvent, type Sink, succeeded } from '../events/events.js';
import { markBusyAround } from '../reports/busy-around.js';
import { observedCriticalPath } from '../reports/critical-path.js';
import { REPORT_SCHEMA_VERSION, type RunReport, type TaskReport } from '../reports/run-report.js';
import { printable } from '../util/controls.js';
import { unreachable } from '../util/never.js';
import { LineTails } from './line-tails.js';

export interface ReportSink {
  readonly sink: Sink;
  /** The report; complete once `run-end` has been seen. */
  report(): RunReport;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export interface ReportSinkOptions {
  /**
   * Keep the last lines of each task that does not succeed (a task's own `tail` wins), for
   * the report's `tail`: the run's own collector does, the sinks' copies need not. Default 0.
   */
  tailLines?: number;
}

/** What of a line the report keeps: at most this many characters of it. */
export const TAIL_LINE_CHARS = 500;

export function createReportSink(options: ReportSinkOptions = {}): ReportSink {
  let report: RunReport | undefined;
  let byId: TaskReport[] = [];
  const tails = options.tailLines ? new LineTails(options.tailLines) : undefined;
  const sink: Sink = (event: RunEvent) => {
    switch (event.type) {
      case 'run-start': {
        const { plan } = event;
        byId = plan.tasks.map((task) => ({
          name: task.name,
          deps: task.depIds.map((id) => plan.tasks[id]!.name),
          stage: task.stage,
          status: 'cancelled',
          startMs: null,
          endMs: null,
          durationMs: null,
          exitCode: null,
          signal: null,
          slot: null,
          reason: null,
          command: task.run !== undefined,
          attempts: [],
          flaky: false,
          approvalWaitMs: null,
        }));
        report = {
          schemaVersion: REPORT_SCHEMA_VERSION,
          id: event.runId,
          startedAt: event.startedAt,
          simulated: event.simulated,
          deployfile: plan.pipeline.source ?? null,
          machine: { name: event.machine.name, cores: event.machine.cores },
          jobs: event.jobs,
          schedule: event.schedule,
          keepGoing: event.keepGoing,
          timeoutMs: event.timeoutMs,
          targets: [...plan.requested],
          ok: false,
          status: 'failed',
          makespanMs: 0,
          criticalPath: [],
          tasks: byId,
        };
        break;
      }
      case 'task-start': {
        const task = byId[event.task.id]!;
        task.startMs ??= round(event.at);
        task.slot = event.slot;
        break;
      }
      case 'task-end': {
        const task = byId[event.task.id]!;
        task.status = event.status;
        task.exitCode = event.exitCode;
        task.signal = event.signal;
        task.reason = event.reason;
        task.approvalWaitMs = event.approvalWaitMs === null ? null : round(event.approvalWaitMs);
        task.attempts = event.attempts.map((attempt) => ({
          number: attempt.number,
          startMs: round(attempt.startMs),
          endMs: round(attempt.endMs),
          durationMs: round(attempt.endMs - attempt.startMs),
          outcome: attempt.outcome,
          exitCode: attempt.exitCode,
          signal: attempt.signal,
          slot: attempt.slot,
          cpuMs: attempt.cpuMs === null ? null : round(attempt.cpuMs),
        }));
        task.flaky = (event.status === 'ok' || event.status === 'no-change') && event.attempts.length > 1;
        const lines = tails?.take(event.task.id);
        if (lines && lines.length > 0 && !succeeded(event.status) && event.startAt !== null) {
          task.tail = lines.map((line) => printable(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line, false));
        }
        if (event.startAt !== null) {
          task.startMs = round(event.startAt);
          task.endMs = round(event.at);
          task.durationMs = round(event.at - event.startAt);
        }
        break;
      }
      case 'run-end': {
        if (!report) break;
        report.status = event.status;
        report.ok = event.status === 'ok';
        report.makespanMs = round(event.makespanMs);
        report.criticalPath = observedCriticalPath(byId, event.makespanMs);
        markBusyAround(byId);
        break;
      }
      case 'approval-wait':
        byId[event.task.id]!.approvalStartMs = round(event.at);
        break;
      case 'task-output':
        tails?.add(event.task.id, event.line, event.task.settings.tail);
        break;
      case 'approval-end':
      case 'task-retry':
      case 'run-stopping':
        break;
      default:
        unreachable(event);
    }
  };
  return {
    sink,
    report() {
      if (!report) throw new Error('the run has not started');
      return report;
    },
  };
}
