/**
 * `stagerun report --format html`: the page of one recorded run (or a merged one), with its
 * tasks' figures from history and what `compare --simulate` predicts at other -j. The page
 * itself is drawn by lib/views/html; this gathers what it shows.
 */
import { isStagerunError } from '../../lib/errors.js';
import { createPlan, type Plan } from '../../lib/plan/plan.js';
import type { ResolvedPipeline } from '../../lib/plan/resolve.js';
import { durationsOf } from '../../lib/reports/history.js';
import { machineOf, type RunReport } from '../../lib/reports/run-report.js';
import { compareRows, comparisonRuns, simulateConcurrency } from '../../lib/run/compare.js';
import type { Predictions } from '../../lib/views/html/page.js';
import type { CliIo } from '../io.js';
import { runMachine } from '../machine.js';

declare const __STAGERUN_VERSION__: string | undefined;

/** Predictions go up to this -j, or the run's own if larger, and never past the tasks that could run at once. */
const PREDICT_UP_TO = 4;
const PREDICT_AT_MOST = 16;

export interface PageSources {
  /** The recorded runs, oldest first (the run itself among them, or not). */
  runs: readonly RunReport[];
  /** The deployfile's pipeline, or why there is none. */
  project: { resolved: ResolvedPipeline } | { unavailable: string };
}

/** The page's text. */
export async function htmlPage(run: RunReport, sources: PageSources, io: CliIo): Promise<string> {
  const { renderHtmlReport } = await import('../../lib/views/html/page.js');
  const history = sources.runs.some((recorded) => recorded.id === run.id) ? sources.runs : [...sources.runs, run];
  return renderHtmlReport(run, {
    history,
    predictions: 'unavailable' in sources.project ? sources.project : predict(run, sources.project.resolved, sources.runs, io),
    version: typeof __STAGERUN_VERSION__ === 'string' ? __STAGERUN_VERSION__ : undefined,
  });
}

/** The deployfile loaded for the page's predictions; a deployfile that cannot be loaded only takes them away. */
export async function projectFor(load: () => Promise<{ resolved: ResolvedPipeline }>): Promise<PageSources['project']> {
  try {
    return await load();
  } catch (error) {
    if (!isStagerunError(error)) throw error;
    return { unavailable: `the deployfile could not be loaded (${error.message})` };
  }
}

/**
 * `compare --simulate` for this run's tasks, from the history of the machine it ran on:
 * the runs already read for the page (oldest first), so that the file is read once, and a
 * damaged line is warned about once.
 */
export function predict(run: RunReport, resolved: ResolvedPipeline, runs: readonly RunReport[], io: CliIo): Predictions {
  const names = run.tasks.map((task) => task.name);
  const missing = names.filter((name) => !resolved.byName.has(name));
  if (missing.length > 0)
    return { unavailable: `the deployfile no longer has ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}` };
  let plan: Plan;
  try {
    plan = createPlan(resolved, names, { noDeps: true });
  } catch (error) {
    if (!isStagerunError(error)) throw error;
    return { unavailable: error.message };
  }
  const machine = machineOf(run) ?? runMachine(undefined, io.env);
  const recent = durationsOf([...runs].reverse(), { wanted: new Set(names), machine: machine.name });
  const widest = Math.max(1, plan.tasks.filter((task) => task.run !== undefined).length);
  const top = Math.min(widest, PREDICT_AT_MOST, Math.max(PREDICT_UP_TO, run.mergedFrom === undefined ? run.jobs : 1));
  const jobs = Array.from({ length: top }, (_, index) => index + 1);
  const schedule = run.mergedFrom === undefined ? run.schedule : 'dag';
  const { reports, unknown } = simulateConcurrency(plan, comparisonRuns([schedule], jobs), {
    durations: recent.durations,
    attempts: recent.attempts,
    cpuShares: recent.cpuShares,
    machine: { name: machine.name, cores: machine.cores },
  });
  const unknownNote =
    unknown.length > 0
      ? `; ${unknown.length} task${unknown.length === 1 ? ' has no history and counts' : 's have no history and count'} as the median task`
      : '';
  return {
    rows: compareRows(plan, reports),
    note: `Simulated for ${machine.name} with ${machine.cores} core${machine.cores === 1 ? '' : 's'} from ${recent.runs} recorded run${recent.runs === 1 ? '' : 's'} there (each task's median over its last successful runs)${unknownNote}. As compare --simulate does, it runs every task of this run, up-to-date ones too, and approves every gate; nothing was run.`,
  };
}
