/**
 * Which machine a run is recorded for, or a simulation predicts for: `--machine NAME`,
 * else `$STAGERUN_MACHINE`, else the host name. Durations recorded on other machines are
 * never mixed in.
 */

import { hostname } from 'node:os';
import { UsageError } from '../lib/errors.js';
import type { Machine } from '../lib/events/events.js';
import { thisMachine } from '../lib/run/execute.js';

/** At most this long, printable ASCII without spaces: it is shown in tables and stored in history. */
const MACHINE_NAME = /^[\x21-\x7e]{1,64}$/;

export function machineName(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const given = flag ?? env.STAGERUN_MACHINE;
  if (given === undefined || given === '') return hostname();
  if (!MACHINE_NAME.test(given)) {
    const source = flag !== undefined ? '--machine' : 'STAGERUN_MACHINE';
    throw new UsageError(`${source} must be 1 to 64 printable characters without spaces (got ${JSON.stringify(given)})`);
  }
  return given;
}

/** This machine, under the name the user gives it; `named` when that is not the host name. */
export function runMachine(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Machine & { named: boolean } {
  const here = thisMachine();
  const name = machineName(flag, env);
  return { name, cores: here.cores, named: (flag ?? env.STAGERUN_MACHINE ?? '') !== '' };
}
