/** What most commands start from: the deployfile, its pipeline, and its history. */
import path from 'node:path';
import type { Sink } from '../lib/events.js';
import { historyFile, readHistory, type HistoryWarning } from '../lib/history.js';
import { createHistorySink } from '../lib/report/history.js';
import { findDeployfile, loadDeployfile } from '../lib/load.js';
import { validatePipeline } from '../lib/plan.js';
import type { RunReport } from '../lib/report/json.js';
import type { ResolvedPipeline } from '../lib/resolve.js';
import { expectedDurations, realRuns } from '../lib/stats.js';
import { warn } from './terminal.js';

export function printHistoryWarning(warning: HistoryWarning): void {
  warn(`${path.relative(process.cwd(), warning.file) || warning.file}:${warning.line}: damaged line skipped (${warning.reason})`);
}

/** A run that cannot be recorded says so once and goes on. */
function printHistoryError(error: Error): void {
  warn(`the run was not recorded in history: ${error.message}`);
}

export interface History {
  readonly file: string;
  /** Real runs of this deployfile, oldest first; damaged lines are reported once. */
  runs(): RunReport[];
  /** Median duration of each task over its last successful runs. */
  durations(): Map<string, number>;
  /** A sink that records the run here, warning (not failing) if it cannot. */
  recorder(limit: number): Sink;
}

export function openHistory(deployfile: string): History {
  const file = historyFile(deployfile);
  let cached: RunReport[] | undefined;
  const runs = () => (cached ??= realRuns(readHistory(file, printHistoryWarning), deployfile));
  return {
    file,
    runs,
    durations: () => expectedDurations(runs()),
    recorder: (limit) => createHistorySink(file, { limit, onWarning: printHistoryWarning, onError: printHistoryError }),
  };
}

/** Finds the deployfile without loading it (history and report need no more). */
export function locateDeployfile(args: { file?: string }): string {
  return findDeployfile(process.cwd(), args.file);
}

export async function loadProject(args: { file?: string }): Promise<{ file: string; resolved: ResolvedPipeline; history: History }> {
  const file = locateDeployfile(args);
  const pipeline = await loadDeployfile(file);
  return { file, resolved: validatePipeline(pipeline), history: openHistory(file) };
}
