/**
 * stagerun's engine, for tools and tests: load or build a pipeline, plan it, run or
 * simulate it, and read the timings back as data.
 *
 *     import { pipeline, run, simulate } from 'stagerun/engine';
 */

// Building a pipeline in code (the deployfile API, again here so that one import does).
export { pipeline, service, describeCommand, type Pipeline, type Service, type TaskRef } from './model.js';
export type { Command, Dependency, OutputStream, PipelineOptions, ServiceOptions, Signal, TaskContext, TaskFunction, TaskOptions } from './model.js';

// Loading a deployfile.
export { loadDeployfile, findDeployfile, DEPLOYFILE_NAMES } from './load.js';

// Planning: validation, targets, stages, bounds.
export { toPlan, createPlan, validatePipeline, bounds, type Plan, type PlanTask, type PlanOptions, type Bounds } from './plan.js';
export type { ResolvedPipeline, ResolvedTask } from './resolve.js';

// Running and simulating.
export { run, startRun, type RunOptions, type RunHandle } from './run.js';
export { simulate, SimulatedExecutor, type SimulateOptions, type SimulatedBehaviour } from './simulate.js';
export { LocalExecutor, type LocalExecutorOptions } from './exec.js';
export type { Executor, RunningTask, TaskIO, Outcome } from './schedule.js';
export { realClock, VirtualClock, type Clock } from './clock.js';

// The event stream and what listens to it.
export { fanOut, type RunEvent, type Sink, type TaskStatus, type RunStatus, type SchedulePolicy } from './events.js';
export { createReportSink, exitCodeOf, observedCriticalPath, type RunReport, type TaskReport } from './report/json.js';
export { createTerminalReporter, type TerminalOptions, type OutputMode, type Screen } from './report/terminal.js';
export { toTrace, type Trace, type TraceEvent } from './report/trace.js';
export { renderGantt } from './report/gantt.js';
export { renderMermaidGantt } from './report/mermaid.js';

// History and the figures drawn from it.
export { openHistory, historyFile, readHistory, appendHistory, recordTo, DEFAULT_HISTORY_LIMIT, type History, type HistoryWarning } from './history.js';
export { expectedDurations, taskStats, percentile, median, type TaskStats } from './stats.js';
export { compareRows, comparisonRuns, measureConcurrency, simulateConcurrency, parseJobsList, parseSchedules, type CompareRow } from './compare.js';

// Errors: every user mistake is a StagerunError with a code.
export * from './errors.js';
