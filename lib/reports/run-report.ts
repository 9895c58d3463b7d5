/**
 * The run report: what `run()` and `simulate()` return, what `--report FILE` writes and
 * what history stores, one JSON object per run. Schema version 2 records every attempt of
 * every task; version-1 records (before retries existed) are still read, as one attempt.
 */
import { randomBytes } from 'node:crypto';
import { RUN_STATUS_TABLE, type RunStatus, type SchedulePolicy, type TaskStatus } from '../events/events.js';
import type { OutcomeKind } from '../executors/executor.js';
import { recordProblem } from './record-check.js';

export const REPORT_SCHEMA_VERSION = 2;

/** One attempt of a task. Times in ms from the run's start. */
export interface AttemptReport {
  /** 1, then 2 and up for retries. */
  number: number;
  startMs: number;
  endMs: number;
  durationMs: number;
  /** How it ended: exited, signalled, could-not-start, threw, timed-out or aborted. */
  outcome: OutcomeKind;
  exitCode: number | null;
  signal: string | null;
  slot: number;
  /** CPU time of its process tree, ms; null or absent where not known (older records, function tasks, other systems). */
  cpuMs?: number | null;
  /** Mean cores the run's other attempts kept busy while it ran (busy-around.ts); null or absent where not known. */
  busyAround?: number | null;
}

export interface TaskReport {
  name: string;
  /** Direct dependencies among the run's tasks. */
  deps: string[];
  /** Topological generation, 0-based. */
  stage: number;
  status: TaskStatus;
  /** From the first attempt's start to the last one's end, ms from the run's start; null when it never started. */
  startMs: number | null;
  endMs: number | null;
  /** endMs − startMs: retries and the waits between them included, approval waits not. */
  durationMs: number | null;
  /** Of the last attempt. */
  exitCode: number | null;
  signal: string | null;
  /** Concurrency slot its last attempt ran in, 0..jobs-1 (null for goals and tasks that never started). */
  slot: number | null;
  /** Why it failed, timed out, was skipped or cancelled, or is `no-change`. */
  reason: string | null;
  /** False for goals (tasks without a command). */
  command: boolean;
  /** Every attempt, in order (none for goals and tasks that never started). */
  attempts: AttemptReport[];
  /** Succeeded after an attempt that did not. */
  flaky: boolean;
  /** Time its approval gate waited for a person, ms; null when it had none to wait at. */
  approvalWaitMs: number | null;
  /** When its approval gate began to wait, ms from the run's start; absent in older records and where it had no gate. */
  approvalStartMs?: number | null;
  /**
   * The last lines it printed (both streams, masked, control sequences made visible), kept
   * for a task that ran and did not succeed (failed, timed out, interrupted); absent otherwise.
   */
  tail?: string[];
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** Unique per run; `stagerun report --run ID` finds it in history. */
  id: string;
  /** Wall-clock start, ISO 8601. */
  startedAt: string;
  /** True when produced by `simulate()`: times are predictions. */
  simulated: boolean;
  deployfile: string | null;
  jobs: number;
  schedule: SchedulePolicy;
  keepGoing: boolean;
  /** The run's own time limit (`--timeout`), ms. */
  timeoutMs: number | null;
  /** The targets as asked for. */
  targets: string[];
  ok: boolean;
  status: RunStatus;
  makespanMs: number;
  /** The chain of tasks that determined the makespan, as observed: each waited for the previous. */
  criticalPath: string[];
  /** In declaration order. */
  tasks: TaskReport[];
  /** Set on a run merged from the reports of CI jobs (`report --merge`): how many; each job is a slot. */
  mergedFrom?: number;
  /** The machine it ran on: its name (host name, or `--machine`) and cores; absent in older records. */
  machine?: { name: string; cores: number } | null;
}

/** The exit code a run ends stagerun with (see docs/cli.md). */
export const EXIT_FAILED = RUN_STATUS_TABLE.failed.exitCode;
export const EXIT_NEEDS_APPROVAL = RUN_STATUS_TABLE['needs-approval'].exitCode;
export const EXIT_INTERRUPTED = RUN_STATUS_TABLE.interrupted.exitCode;

export function exitCodeOf(report: Pick<RunReport, 'status'>): number {
  return RUN_STATUS_TABLE[report.status].exitCode;
}

export function newRunId(startedAt: string): string {
  return `${startedAt.replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * A run record as read back (from history, from a file): the report, upgraded to the
 * current schema, or the reason it is not one.
 */
/**
 * The machine a recorded run names, when the record holds a sound one (a name and at least
 * one core); undefined for older records and for a hand-edited or damaged field, which are
 * then read as records that do not say where they ran.
 */
export function machineOf(run: Pick<RunReport, 'machine'>): { name: string; cores: number } | undefined {
  const machine = run.machine as { name?: unknown; cores?: unknown } | null | undefined;
  if (typeof machine !== 'object' || machine === null) return undefined;
  const { name, cores } = machine;
  return typeof name === 'string' && Number.isInteger(cores) && (cores as number) >= 1 ? { name, cores: cores as number } : undefined;
}

export function readReport(value: unknown): RunReport | string {
  const record = value as Record<string, unknown> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.id !== 'string' ||
    typeof record.makespanMs !== 'number' ||
    !Array.isArray(record.tasks)
  ) {
    return 'not a run record';
  }
  if (!record.tasks.every((task) => typeof task === 'object' && task !== null)) return 'a task of it is not a record';
  let report: RunReport;
  if (record.schemaVersion === REPORT_SCHEMA_VERSION) report = record as unknown as RunReport;
  else if (record.schemaVersion === 1) report = fromVersion1(record as unknown as RunReport);
  else return `a run record of schema version ${String(record.schemaVersion)}, which this stagerun does not know`;
  return recordProblem(report) ?? report;
}

/** Version 1 had no attempts: a task that started had exactly one. */
function fromVersion1(old: RunReport): RunReport {
  return {
    ...old,
    schemaVersion: REPORT_SCHEMA_VERSION,
    timeoutMs: null,
    tasks: old.tasks.map((task) => ({
      ...task,
      flaky: false,
      approvalWaitMs: null,
      attempts:
        task.command && task.startMs !== null && task.endMs !== null
          ? [
              {
                number: 1,
                startMs: task.startMs,
                endMs: task.endMs,
                durationMs: task.endMs - task.startMs,
                outcome: task.signal
                  ? 'signalled'
                  : task.exitCode === null
                    ? task.status === 'interrupted'
                      ? 'aborted'
                      : 'could-not-start'
                    : 'exited',
                exitCode: task.exitCode,
                signal: task.signal,
                slot: task.slot ?? 0,
              },
            ]
          : [],
    })),
  };
}
