/** What most commands start from: the deployfile, its pipeline, and its history. */
import path from 'node:path';
import { declaredSecretValues } from '../lib/events/secrets.js';
import { findDeployfile, loadDeployfile } from '../lib/load/load.js';
import { validatePipeline } from '../lib/plan/plan.js';
import type { ResolvedPipeline } from '../lib/plan/resolve.js';
import { type History, type HistoryWarning, openHistory } from '../lib/reports/history.js';
import { warn } from './fail.js';
import type { CliIo } from './io.js';

function historyWarning(io: CliIo, warning: HistoryWarning): void {
  const file = path.relative(io.cwd, warning.file) || warning.file;
  warn(io, warning.line > 0 ? `${file}:${warning.line}: damaged line skipped (${warning.reason})` : `${file}: ${warning.reason}`);
}

/** The deployfile's history; damaged lines and a run that cannot be recorded are warnings. */
export function historyFor(deployfile: string, io: CliIo): History {
  let warned = false;
  return openHistory(deployfile, {
    onWarning: (warning) => {
      // The same damage is met by every reader; say it once per command.
      if (warning.line === 0 && warned) return;
      if (warning.line === 0) warned = true;
      historyWarning(io, warning);
    },
    onError: (error) => warn(io, `the run was not recorded in history: ${error.message}`),
  });
}

/** Finds the deployfile without loading it (history and report need no more). */
export function locateDeployfile(args: { file?: string | undefined }, io: CliIo): string {
  return findDeployfile(io.cwd, args.file);
}

export async function loadProject(
  args: { file?: string | undefined },
  io: CliIo,
): Promise<{ file: string; resolved: ResolvedPipeline; history: History }> {
  const file = locateDeployfile(args, io);
  const pipeline = await loadDeployfile(file, { cwd: io.cwd });
  // Before anything is checked: a mistake in the deployfile may quote a secret value.
  io.secrets?.add(declaredSecretValues(pipeline, io.env).values);
  return { file, resolved: validatePipeline(pipeline), history: historyFor(file, io) };
}
