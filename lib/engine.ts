/**
 * stagerun's engine, for tools and tests: load or build a pipeline, plan it, run or
 * simulate it, and read the timings back as data.
 *
 *     import { pipeline, run, simulate } from 'stagerun/engine';
 */

// Errors: every user mistake is a StagerunError with a code.
export {
  CycleError,
  DeployfileErrors,
  DeployfileLoadError,
  DeployfileNotFoundError,
  DuplicateTaskError,
  type ErrorCode,
  EXIT_USAGE,
  HistoryError,
  InvalidOptionError,
  InvalidTaskError,
  isStagerunError,
  NoTargetError,
  NotAPipelineError,
  OutputFileError,
  type SourceLocation,
  StagerunError,
  UnknownDependencyError,
  UnknownTargetError,
  UsageError,
} from './errors.js';
// The event stream and what listens to it.
export {
  fanOut,
  type Machine,
  RUN_STATUS_TABLE,
  type RunEvent,
  type RunStatus,
  SCHEDULE_POLICIES,
  type SchedulePolicy,
  type Sink,
  TASK_STATUS_TABLE,
  TASK_STATUSES,
  type TaskStatus,
} from './events/events.js';
// The simulator's CPU model: processor sharing on a machine's cores.
export { CoreSharing, shareRate } from './executors/core-sharing.js';
export type { Attempt, Executor, Outcome, OutcomeKind, RunningTask, TaskIO } from './executors/executor.js';
export { LocalExecutor, type LocalExecutorOptions } from './executors/local-executor.js';
// A CI system's pipeline from the plan.
export { ENGINES, type Engine, exportPipeline } from './export/index.js';
// Building a pipeline in code: the whole deployfile API, so that one import does.
export {
  type AbortSignalLike,
  type Command,
  type Dependency,
  type OutputStream,
  type Pipeline,
  type PipelineOptions,
  pipeline,
  type Service,
  type ServiceOptions,
  type Signal,
  service,
  type TaskContext,
  type TaskFunction,
  type TaskOptions,
  type TaskRef,
} from './index.js';
// Content keys: what is up to date, and why.
export { checkFreshness, type Freshness, usesInputs, type Verdict } from './keys/freshness.js';
export { keysFile, readKeys } from './keys/key-store.js';
export { computeKeys, type KeyParts, type TaskKey } from './keys/keys.js';
// Loading a deployfile.
export { DEPLOYFILE_NAMES, findDeployfile, loadDeployfile } from './load/load.js';
export { describeCommand } from './model/model.js';
export type { TaskGraph, TaskNode } from './plan/graph.js';
// Planning: validation, targets, stages, bounds.
export {
  type Bounds,
  bounds,
  createPlan,
  needs,
  type Plan,
  type PlanOptions,
  type PlanTask,
  toPlan,
  validatePipeline,
} from './plan/plan.js';
export type { ResolvedPipeline, ResolvedTask } from './plan/resolve.js';
export { observedCriticalPath } from './reports/critical-path.js';
// History and the figures drawn from it.
export {
  appendHistory,
  DEFAULT_HISTORY_LIMIT,
  type History,
  type HistoryWarning,
  historyFile,
  openHistory,
  type RecentDurations,
  readHistory,
  recentDurations,
  recordTo,
} from './reports/history.js';
export { mergeReports, readReports } from './reports/merge.js';
export { exitCodeOf, type RunReport, type TaskReport } from './reports/run-report.js';
export { DurationSamples, expectedDurations, median, percentile, type TaskStats, taskStats } from './reports/stats.js';
export {
  type CompareRow,
  compareRows,
  comparisonRuns,
  coresBusy,
  measureConcurrency,
  PICK_WITHIN,
  simulateConcurrency,
} from './run/compare.js';
export { thisMachine } from './run/execute.js';
// Running and simulating.
export { type RunHandle, type RunOptions, run, startRun } from './run/run.js';
export { type SimulatedBehaviour, SimulatedExecutor, type SimulateOptions, simulate } from './run/simulate.js';
export type { ApprovalAnswer, Approver } from './schedule/approvals.js';
export { type Clock, realClock, VirtualClock } from './schedule/clock.js';
export { createReportSink } from './sinks/collect.js';
export { createTerminalReporter, type OutputMode, type Screen, type TerminalOptions } from './sinks/terminal.js';
export { explainTask } from './views/explain.js';
export { renderGantt } from './views/gantt.js';
export { type HtmlReportOptions, type Predictions, renderHtmlReport } from './views/html/page.js';
export { renderMermaidGantt } from './views/mermaid.js';
export { type Trace, type TraceEvent, toTrace } from './views/trace.js';
