/**
 * stagerun: declare deploy tasks and their dependencies in a deployfile, run them at most
 * N at once in critical-path order, and read back where the time went.
 */
export { pipeline, service, Pipeline, Service, TaskRef, isPipeline, describeCommand } from './model.js';
export type {
  Command,
  Dependency,
  OutputStream,
  PipelineOptions,
  ServiceOptions,
  TaskContext,
  TaskFunction,
  TaskOptions,
} from './model.js';
export { run, startRun, type RunOptions, type RunHandle } from './run.js';
export { simulate, SimulatedExecutor, type SimulateOptions, type SimulatedBehaviour } from './simulate.js';
export { createPlan, toPlan, validatePipeline, taskWeights, remainingPath, bounds, type Plan, type PlanTask, type Bounds } from './plan.js';
export { resolvePipeline, resolveTargets, type ResolvedPipeline, type ResolvedTask } from './resolve.js';
export { startSchedule, type Executor, type RunningTask, type TaskIO, type Outcome, type ScheduleOptions, type ScheduleHandle } from './schedule.js';
export { realClock, VirtualClock, type Clock } from './clock.js';
export { LocalExecutor, type LocalExecutorOptions } from './exec.js';
export { loadDeployfile, findDeployfile } from './load.js';
export { createReportSink, type RunReport, type TaskReport } from './report/json.js';
export { createTerminalReporter, type TerminalOptions, type OutputMode, type Screen } from './report/terminal.js';
export { fanOut, type RunEvent, type Sink, type TaskStatus, type RunStatus, type SchedulePolicy } from './events.js';
export * from './errors.js';
export { historyFile, readHistory, appendHistory, DEFAULT_HISTORY_LIMIT, type HistoryWarning } from './history.js';
export { expectedDurations, taskStats, percentile, median, type TaskStats } from './stats.js';
export { compareRows, parseJobsList, type CompareRow } from './compare.js';
export { toTrace, type Trace, type TraceEvent } from './report/trace.js';
export { renderGantt } from './report/gantt.js';
export { renderMermaidGantt } from './report/mermaid.js';
export { observedCriticalPath } from './report/json.js';
