/**
 * stagerun, for deployfile authors: declare deploy tasks, services and their dependencies.
 *
 *     import { pipeline } from 'stagerun';
 *
 * Running, simulating and reading timings back is the engine's: `stagerun/engine`.
 */

export type {
  AbortSignalLike,
  Command,
  Dependency,
  OutputStream,
  PipelineOptions,
  ServiceOptions,
  Signal,
  TaskContext,
  TaskFunction,
  TaskOptions,
} from './model/model.js';
export { type Pipeline, pipeline, type Service, service, type TaskRef } from './model/model.js';
