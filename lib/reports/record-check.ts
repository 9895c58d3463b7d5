/**
 * What a run record read back (from history, a CI job's report file) must hold before any
 * view draws it: the fields every view reads, of the types they read them as. A record from
 * a file anyone could have edited (a downloaded CI artifact) is not trusted to be stagerun's.
 */
import { RUN_STATUS_TABLE, TASK_STATUS_TABLE } from '../events/events.js';
import type { RunReport } from './run-report.js';

const isString = (value: unknown): value is string => typeof value === 'string';
const isStrings = (value: unknown) => Array.isArray(value) && value.every(isString);
const isWhole = (value: unknown, least = 0) => Number.isInteger(value) && (value as number) >= least;
const isTime = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const isTimeOrNull = (value: unknown) => value === null || isTime(value);
const isOptionalTime = (value: unknown) => value === undefined || isTimeOrNull(value);

/** Why the record is not one the views can draw, or undefined when it is. */
export function recordProblem(run: RunReport): string | undefined {
  if (!Object.hasOwn(RUN_STATUS_TABLE, run.status)) return `its status ${JSON.stringify(run.status)} is not a run status`;
  if (!isWhole(run.jobs, 1)) return `its jobs ${JSON.stringify(run.jobs)} is not a whole number of at least 1`;
  if (!isStrings(run.targets) || !isStrings(run.criticalPath)) return 'its targets and critical path are not lists of names';
  if (!isString(run.startedAt) || !isTime(run.makespanMs)) return 'its start or makespan is not a time';
  for (const [index, task] of run.tasks.entries()) {
    const problem = taskProblem(task);
    if (problem) return `task ${index + 1}${isString(task?.name) ? ` (${JSON.stringify(task.name)})` : ''}: ${problem}`;
  }
  return undefined;
}

function taskProblem(task: RunReport['tasks'][number]): string | undefined {
  if (typeof task !== 'object' || task === null || !isString(task.name)) return 'has no name';
  if (!Object.hasOwn(TASK_STATUS_TABLE, task.status)) return `its status ${JSON.stringify(task.status)} is not a task status`;
  if (!isStrings(task.deps) || !isWhole(task.stage)) return 'its dependencies or stage are not what a run records';
  if (![task.startMs, task.endMs, task.durationMs, task.approvalWaitMs].every(isTimeOrNull) || !isOptionalTime(task.approvalStartMs))
    return 'a time of it is not a number';
  if (task.tail !== undefined && !isStrings(task.tail)) return 'its last lines are not lines';
  if (!Array.isArray(task.attempts)) return 'its attempts are not a list';
  for (const attempt of task.attempts) {
    if (typeof attempt !== 'object' || attempt === null || !isWhole(attempt.number, 1) || !isWhole(attempt.slot))
      return 'an attempt has no number or slot';
    if (![attempt.startMs, attempt.endMs, attempt.durationMs].every(isTime)) return 'a time of an attempt is not a number';
  }
  return undefined;
}
