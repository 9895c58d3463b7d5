/**
 * stagerun's engine, for tools and tests: load or build a pipeline, plan it, run or
 * simulate it, and read the timings back as data.
 *
 *     import { pipeline, run, simulate } from 'stagerun/engine';
 */

export { type Clock, realClock, VirtualClock } from './clock.js';
export {
  type CompareRow,
  compareRows,
  comparisonRuns,
  measureConcurrency,
  parseJobsList,
  parseSchedules,
  simulateConcurrency,
} from './compare.js';
// Errors: every user mistake is a StagerunError with a code.
export * from './errors.js';
// The event stream and what listens to it.
export { fanOut, type RunEvent, type RunStatus, type SchedulePolicy, type Sink, type TaskStatus } from './events.js';
export { LocalExecutor, type LocalExecutorOptions } from './exec.js';
export type { Attempt, Executor, Outcome, OutcomeKind, RunningTask, TaskIO } from './executor.js';
// A CI system's pipeline from the plan.
export { ENGINES, type Engine, exportPipeline } from './export/index.js';
// Content keys: what is up to date, and why.
export { checkFreshness, explainTask, type Freshness, usesInputs, type Verdict } from './freshness.js';
// History and the figures drawn from it.
export {
  appendHistory,
  DEFAULT_HISTORY_LIMIT,
  type History,
  type HistoryWarning,
  historyFile,
  openHistory,
  readHistory,
  recordTo,
} from './history.js';
// Building a pipeline in code: the whole deployfile API, so that one import does.
export * from './index.js';
export { keysFile, readKeys } from './key-store.js';
export { computeKeys, type KeyParts, type TaskKey } from './keys.js';
// Loading a deployfile.
export { DEPLOYFILE_NAMES, findDeployfile, loadDeployfile } from './load.js';
export { describeCommand } from './model.js';
// Planning: validation, targets, stages, bounds.
export { type Bounds, bounds, createPlan, needs, type Plan, type PlanOptions, type PlanTask, toPlan, validatePipeline } from './plan.js';
export { createReportSink } from './report/collect.js';
export { observedCriticalPath } from './report/critical-path.js';
export { renderGantt } from './report/gantt.js';
export { mergeReports, readReports } from './report/merge.js';
export { renderMermaidGantt } from './report/mermaid.js';
export { createTerminalReporter, type OutputMode, type Screen, type TerminalOptions } from './report/terminal.js';
export { type Trace, type TraceEvent, toTrace } from './report/trace.js';
export type { ResolvedPipeline, ResolvedTask } from './resolve.js';
// Running and simulating.
export { type RunHandle, type RunOptions, run, startRun } from './run.js';
export { exitCodeOf, type RunReport, type TaskReport } from './run-report.js';
export type { ApprovalAnswer, Approver } from './schedule.js';
export { type SimulatedBehaviour, SimulatedExecutor, type SimulateOptions, simulate } from './simulate.js';
export { expectedDurations, median, percentile, type TaskStats, taskStats } from './stats.js';
