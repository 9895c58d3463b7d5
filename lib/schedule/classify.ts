/**
 * What an attempt's outcome means for its task: a final status, or another attempt after
 * a delay. Pure: the task's settings and what happened decide, nothing else.
 */

import type { Outcome } from '../executors/executor.js';
import type { PlanTask } from '../plan/plan.js';
import { formatDuration } from '../util/format.js';
import { unreachable } from '../util/never.js';

export type Verdict =
  | { readonly kind: 'settle'; readonly status: 'ok' | 'no-change' | 'failed' | 'timeout' | 'interrupted'; readonly reason: string | null }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string };

export interface AttemptFacts {
  readonly outcome: Outcome;
  /** Which attempt this was: 1, then 2 and up. */
  readonly attempt: number;
  /** The attempt's output matched the task's `noChange` pattern. */
  readonly matchedNoChange: boolean;
  /** How long the attempt ran, ms. */
  readonly durationMs: number;
  /** The run is stopping after a failure elsewhere: no new attempt may start. */
  readonly stopping: boolean;
}

/** Why an outcome is not a success, in a few words. */
export function describeOutcome(outcome: Outcome, durationMs: number): string {
  switch (outcome.kind) {
    case 'exited':
      return `exit code ${outcome.exitCode}`;
    case 'signalled':
      return `killed by ${outcome.signal}`;
    case 'could-not-start':
      return outcome.reason;
    case 'threw':
      return outcome.message;
    case 'timed-out':
      return `timed out after ${formatDuration(durationMs)} (limit ${formatDuration(outcome.limitMs)})`;
    case 'aborted':
      return 'stopped';
  }
}

/** The command a shell line starts with (after any VAR=value), for "command not found: …". */
function firstCommand(line: string): string {
  const words = line.trim().split(/\s+/);
  return words.find((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) ?? words[0] ?? line;
}

function shellCouldNotRun(run: string, exitCode: 126 | 127): string {
  const what = exitCode === 127 ? 'command not found' : 'not executable';
  return `${what}: ${firstCommand(run)} (exit code ${exitCode} from the shell)`;
}

export function classify(task: PlanTask, facts: AttemptFacts): Verdict {
  const { outcome } = facts;
  const settings = task.settings;
  const noChange = settings.noChange ? `output matched ${settings.noChange}` : null;
  switch (outcome.kind) {
    case 'aborted':
      return { kind: 'settle', status: 'interrupted', reason: null };
    case 'exited':
      if (outcome.exitCode === 0)
        return facts.matchedNoChange
          ? { kind: 'settle', status: 'no-change', reason: noChange }
          : { kind: 'settle', status: 'ok', reason: null };
      if (settings.okExitCodes.includes(outcome.exitCode))
        return { kind: 'settle', status: 'no-change', reason: `exit code ${outcome.exitCode} (one of okExitCodes)` };
      // The pattern is how a user names a "nothing to deploy" ending, whatever its exit code (CloudFormation exits 255).
      if (facts.matchedNoChange) return { kind: 'settle', status: 'no-change', reason: noChange };
      // The shell's 127 and 126 mean what ENOENT and EACCES mean for argv: another attempt would not find it either.
      if (typeof task.run === 'string' && (outcome.exitCode === 127 || outcome.exitCode === 126))
        return { kind: 'settle', status: 'failed', reason: shellCouldNotRun(task.run, outcome.exitCode) };
      break;
    case 'could-not-start':
      // Another attempt would not find the command either.
      return { kind: 'settle', status: 'failed', reason: outcome.reason };
    case 'signalled':
    case 'threw':
    case 'timed-out':
      break;
    default:
      unreachable(outcome);
  }
  const reason = describeOutcome(outcome, facts.durationMs);
  const status = outcome.kind === 'timed-out' ? 'timeout' : 'failed';
  if (facts.attempt <= settings.retries && !facts.stopping) {
    const delayMs = settings.retryDelay * settings.retryBackoff ** (facts.attempt - 1);
    return { kind: 'retry', delayMs, reason };
  }
  const attempts = facts.attempt > 1 ? ` (attempt ${facts.attempt} of ${settings.retries + 1})` : '';
  return { kind: 'settle', status, reason: `${reason}${attempts}` };
}
