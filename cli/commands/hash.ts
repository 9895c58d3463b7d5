/** `stagerun hash TASK`: the task's content key, for scripts (an image tag that changes only with the code). */
import { UsageError } from '../../lib/errors.js';
import { keysFile, readKeys } from '../../lib/keys/key-store.js';
import { computeKeys } from '../../lib/keys/keys.js';
import { createPlan } from '../../lib/plan/plan.js';
import { warn } from '../fail.js';
import type { CliIo } from '../io.js';
import { loadProject } from '../project.js';
import type { HashArgs } from './spec.js';

export async function hashCommand(args: HashArgs, io: CliIo): Promise<number> {
  const { file, resolved } = await loadProject(args, io);
  if (!resolved.byName.has(args.task)) {
    // Unknown: the usual error, with its suggestion. A service or a shared name: several keys, one asked for.
    const several = createPlan(resolved, [args.task]).targets;
    const error = new UsageError(
      `stagerun hash takes one task; ${args.task} is ${resolved.services.has(args.task) ? 'a service' : 'a name several services share'}`,
    );
    error.hints.push(`its tasks: ${several.join(', ')}`);
    throw error;
  }
  const plan = createPlan(resolved, [args.task]);
  const keys = await computeKeys(plan, { env: io.env, recorded: readKeys(keysFile(file), (reason) => warn(io, reason)) });
  const key = keys.get(args.task)!;
  for (const warning of key.warnings) warn(io, warning);
  io.stdout.write(`${key.key}\n`);
  return 0;
}
