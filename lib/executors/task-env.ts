/** The environment a task starts with: the run's, less what belongs to stagerun's own parent, plus the task's own. */
import type { PlanTask } from '../plan/plan.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Variables a test runner sets for the processes it starts, which a task must not inherit
 * when stagerun itself runs under that test runner (a deployfile's own tests). Each makes a
 * tool inside a task behave as the runner's child instead of as a command of its own.
 */
export const RUNNER_VARIABLES: Readonly<Record<string, string>> = {
  // node --test: a nested `node --test` reports to the outer runner over this protocol
  // instead of exiting non-zero, so a failing test suite in a task looked like a success.
  NODE_TEST_CONTEXT: 'node --test',
  // tap: a nested tap run takes itself for the outer run's child: it leaves out its counts
  // and addresses its time-out messages to the outer runner.
  TAP_CHILD_ID: 'tap',
  TAP_CHILD_KEY: 'tap',
};

/** A plain copy of an environment, less the test runners' variables: reading process.env key by key is slow, so it is done once. */
export function copyEnv(base: Environment): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined && !Object.hasOwn(RUNNER_VARIABLES, key)) env[key] = value;
  return env;
}

/** The run's environment with the task's own variables (an `undefined` one removed) and stagerun's. */
export function taskEnv(
  base: Readonly<Record<string, string>>,
  task: Pick<PlanTask, 'name' | 'env'>,
  attempt = 1,
  hash?: string,
): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(task.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  env.STAGERUN_TASK = task.name;
  env.STAGERUN_ATTEMPT = String(attempt);
  if (hash !== undefined) env.STAGERUN_HASH = hash;
  return env;
}
