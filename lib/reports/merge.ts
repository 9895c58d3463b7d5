/**
 * One picture of a distributed run: the reports of the CI jobs that each ran a part of a
 * pipeline, merged into one report on one time line (each job's times shifted by when it
 * started), with each job as a slot, the dependencies from the deployfile's plan, and the
 * critical path observed across jobs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { HistoryError } from '../errors.js';
import type { RunStatus } from '../events/events.js';
import type { Plan } from '../plan/plan.js';
import { observedCriticalPath } from './critical-path.js';
import { newRunId, REPORT_SCHEMA_VERSION, type RunReport, readReport, type TaskReport } from './run-report.js';

/**
 * The reports in these files, in the `.json` files of these directories, or in the files a
 * pattern's last part matches (`reports/stagerun-report-*.json`, quoted so that a missing
 * job's report, or none at all, is stagerun's to tell and not the shell's), in name order.
 */
export function readReports(paths: readonly string[], cwd = process.cwd()): { reports: RunReport[]; files: string[] } {
  const shown = (file: string) => path.relative(cwd, file) || file;
  const files = paths.flatMap((entry) => {
    const dir = path.dirname(entry);
    const pattern = path.basename(entry);
    if (picomatch.scan(pattern).isGlob) {
      const matches = picomatch(pattern, { dot: false });
      return (statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? readdirSync(dir) : [])
        .filter((name) => matches(name))
        .sort()
        .map((name) => path.join(dir, name));
    }
    if (!statSync(entry, { throwIfNoEntry: false })?.isDirectory()) return [entry];
    return readdirSync(entry)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => path.join(entry, name));
  });
  const reports = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new HistoryError(`cannot read the run report ${shown(file)}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new HistoryError(`${shown(file)} is not a run report: ${(error as Error).message}`);
    }
    const report = readReport(value);
    if (typeof report === 'string') throw new HistoryError(`${shown(file)} is not a run report: ${report}`);
    return report;
  });
  if (reports.length === 0) {
    const error = new HistoryError(`no run reports match ${paths.map(shown).join(', ')}`);
    error.hints.push('each job of an exported pipeline writes one (--report stagerun-report-<job>.json); gather them here first');
    throw error;
  }
  return { reports, files };
}

/** Worst first: what a merged run's status is when its parts differ. */
const STATUS_ORDER: readonly RunStatus[] = ['interrupted', 'failed', 'needs-approval', 'ok'];

export function mergeReports(reports: readonly RunReport[], plan?: Plan): RunReport {
  const start = Math.min(...reports.map((report) => Date.parse(report.startedAt)));
  const byName = new Map<string, TaskReport>();
  const shift = (ms: number | null, offset: number) => (ms === null ? null : Math.round((ms + offset) * 10) / 10);
  reports.forEach((report, slot) => {
    const offset = Date.parse(report.startedAt) - start;
    for (const task of report.tasks) {
      // A task that ran wins over the same task seen from another job (where it was a trusted dependency).
      const seen = byName.get(task.name);
      if (seen && (seen.startMs !== null || task.startMs === null)) continue;
      byName.set(task.name, {
        ...task,
        startMs: shift(task.startMs, offset),
        endMs: shift(task.endMs, offset),
        ...(typeof task.approvalStartMs === 'number' ? { approvalStartMs: shift(task.approvalStartMs, offset) } : {}),
        slot: task.startMs === null ? null : slot,
        attempts: task.attempts.map((attempt) => ({
          ...attempt,
          startMs: shift(attempt.startMs, offset)!,
          endMs: shift(attempt.endMs, offset)!,
          slot,
        })),
      });
    }
  });
  // The jobs ran with --no-deps: their reports know no dependencies. The deployfile does.
  const order = plan ? plan.tasks.map((task) => task.name).filter((name) => byName.has(name)) : [...byName.keys()];
  const tasks = [...order, ...[...byName.keys()].filter((name) => !order.includes(name))].map((name) => {
    const task = byName.get(name)!;
    const planned = plan?.byName.get(name);
    if (!planned) return task;
    return { ...task, deps: planned.deps.filter((dep) => byName.has(dep)), stage: planned.stage };
  });
  const makespanMs = Math.max(0, ...tasks.map((task) => task.endMs ?? 0));
  const status = STATUS_ORDER.find((candidate) => reports.some((report) => report.status === candidate)) ?? 'ok';
  const startedAt = new Date(start).toISOString();
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    id: newRunId(startedAt),
    startedAt,
    simulated: false,
    deployfile: reports[0]!.deployfile,
    jobs: reports.length,
    schedule: 'dag',
    keepGoing: reports.every((report) => report.keepGoing),
    timeoutMs: null,
    targets: [...new Set(reports.flatMap((report) => report.targets))],
    ok: status === 'ok',
    status,
    makespanMs,
    criticalPath: observedCriticalPath(tasks, makespanMs),
    tasks,
    mergedFrom: reports.length,
  };
}
