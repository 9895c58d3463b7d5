/**
 * The run report: what `run()` and `simulate()` return, what `--report FILE` writes and
 * what history stores. Built by a sink from the event stream.
 */
import { randomBytes } from 'node:crypto';
import type { RunEvent, RunStatus, SchedulePolicy, Sink, TaskStatus } from '../events.js';

export interface TaskReport {
  name: string;
  /** Direct dependencies among the run's tasks. */
  deps: string[];
  /** Topological generation, 0-based. */
  stage: number;
  status: TaskStatus;
  /** Times in ms from the run's start; null when the task never started. */
  startMs: number | null;
  endMs: number | null;
  durationMs: number | null;
  exitCode: number | null;
  signal: string | null;
  /** Concurrency slot it ran in, 0..jobs-1 (null for goals and tasks that never started). */
  slot: number | null;
  /** Why it failed, was skipped or cancelled. */
  reason: string | null;
  /** False for goals (tasks without a command). */
  command: boolean;
}

export interface RunReport {
  schemaVersion: 1;
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
  /** The targets as asked for. */
  targets: string[];
  ok: boolean;
  status: RunStatus;
  makespanMs: number;
  /** The chain of tasks that determined the makespan, as observed: each waited for the previous. */
  criticalPath: string[];
  /** In declaration order. */
  tasks: TaskReport[];
}

/** The exit code a run ends stagerun with: 0 ok, 1 a task failed, 130 interrupted (as a shell reports SIGINT). */
export const EXIT_FAILED = 1;
export const EXIT_INTERRUPTED = 130;

export function exitCodeOf(report: Pick<RunReport, 'status'>): number {
  switch (report.status) {
    case 'ok':
      return 0;
    case 'failed':
      return EXIT_FAILED;
    case 'interrupted':
      return EXIT_INTERRUPTED;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function newRunId(startedAt: string): string {
  return `${startedAt.replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * The observed critical path: from the task that ended last, walk back through what each
 * task was waiting for when it started: the dependency that ended last if it ended just
 * then, otherwise whatever ended just then (the task that freed its slot, or closed the
 * previous stage under `--schedule stages`). Goals are left out of the result.
 */
export function observedCriticalPath(tasks: readonly TaskReport[], makespanMs = 0): string[] {
  type Ran = TaskReport & { startMs: number; endMs: number };
  const ran = tasks.filter((task): task is Ran => task.startMs !== null && task.endMs !== null);
  if (ran.length === 0) return [];
  // Starting a task takes a moment after what released it ended: allow for that, but
  // never so much that it spans a good part of a typical task.
  const durations = ran
    .filter((task) => task.command)
    .map((task) => task.endMs - task.startMs)
    .sort((a, b) => a - b);
  const typical = durations[durations.length >> 1] ?? 0;
  const slack = Math.min(25 + makespanMs * 0.002, typical / 4);
  const byName = new Map(ran.map((task) => [task.name, task]));
  const byEnd = ran.filter((task) => task.command).sort((a, b) => a.endMs - b.endMs);
  /** The command task that ended last at or before `time` among those that started before `self`. */
  const endedBy = (time: number, self: Ran): Ran | undefined => {
    let low = 0;
    let high = byEnd.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (byEnd[middle]!.endMs <= time) low = middle + 1;
      else high = middle;
    }
    for (let i = low - 1; i >= 0; i--) if (byEnd[i] !== self && byEnd[i]!.startMs < self.startMs) return byEnd[i];
    return undefined;
  };
  let current: Ran | undefined = ran.reduce((last, task) => (task.endMs > last.endMs ? task : last));
  const path: Ran[] = [];
  const seen = new Set<Ran>();
  while (current && !seen.has(current)) {
    seen.add(current);
    path.push(current);
    const start: number = current.startMs;
    let dep: Ran | undefined;
    for (const name of current.deps) {
      const candidate = byName.get(name);
      if (candidate && candidate.endMs <= start + slack && (!dep || candidate.endMs > dep.endMs)) dep = candidate;
    }
    if (dep && start - dep.endMs <= slack) {
      current = dep;
      continue;
    }
    const releaser = endedBy(start + slack, current);
    current = releaser && start - releaser.endMs <= slack ? releaser : dep;
  }
  return path
    .reverse()
    .filter((task) => task.command)
    .map((task) => task.name);
}

export interface ReportSink {
  readonly sink: Sink;
  /** The report; complete once `run-end` has been seen. */
  report(): RunReport;
}

export function createReportSink(): ReportSink {
  let report: RunReport | undefined;
  let byId: TaskReport[] = [];
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
        }));
        report = {
          schemaVersion: 1,
          id: event.runId,
          startedAt: event.startedAt,
          simulated: event.simulated,
          deployfile: plan.pipeline.source ?? null,
          jobs: event.jobs,
          schedule: event.schedule,
          keepGoing: event.keepGoing,
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
        task.startMs = round(event.at);
        task.slot = event.slot;
        break;
      }
      case 'task-end': {
        const task = byId[event.task.id]!;
        task.status = event.status;
        task.exitCode = event.exitCode;
        task.signal = event.signal;
        task.reason = event.reason;
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
        break;
      }
      default:
        break;
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
