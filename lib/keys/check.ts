/**
 * A task's `check`: a command that asks the target system whether the task's effect already
 * exists for its key (an image tagged with it in the registry, a stack at that version). It
 * runs through execa in the task's directory, with the task's environment and
 * `$STAGERUN_HASH`. Exit 0: the effect exists. Another exit: it does not. A check that could
 * not run (not found, not executable, killed, timed out) never skips its task.
 */

import { loadExeca } from '../executors/execa.js';
import { signalGroup, trackGroup, untrackGroup } from '../executors/process-group.js';
import { copyEnv, taskEnv } from '../executors/task-env.js';
import { describeCommand } from '../model/model.js';
import type { ResolvedTask } from '../plan/resolve.js';
import { formatDuration } from '../util/format.js';

/** Longest a check may take before it counts as one that could not run. */
export const CHECK_TIMEOUT_MS = 60_000;

export type CheckResult =
  /** The effect exists, or does not: the check answered. */
  | { readonly kind: 'answered'; readonly found: boolean; readonly reason: string }
  /** It could not run, so it says nothing: the task runs. */
  | { readonly kind: 'failed'; readonly reason: string };

export interface CheckOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborting it stops the check (an interrupt): the promise rejects with an AbortError. */
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number;
}

/** Runs `task`'s check for `key`. */
export async function runCheck(task: ResolvedTask, key: string, options: CheckOptions): Promise<CheckResult> {
  const check = task.settings.check!;
  const shown = `check \`${describeCommand(check as string, [])}\``;
  const execa = await loadExeca();
  const [file, args] = typeof check === 'string' ? ['/bin/sh', ['-c', check]] : [check[0]!, check.slice(1)];
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  // Its own process group, ended whole (SIGTERM, SIGKILL 2 s later) on an interrupt or its
  // time limit: execa's own kill would end the shell and leave what it started holding the pipe.
  const subprocess = execa(file, args, {
    cwd: task.cwd,
    env: taskEnv(copyEnv(options.env), task, 1, key),
    extendEnv: false,
    preferLocal: true,
    localDir: task.cwd,
    detached: true,
    stdin: 'ignore',
    stdout: 'ignore',
    // Its own words, for a check that could not run: a few lines are plenty.
    maxBuffer: 64 * 1024,
    reject: false,
  });
  const pid = subprocess.pid;
  let why: 'timed-out' | 'interrupted' | undefined;
  const end = (reason: 'timed-out' | 'interrupted') => {
    if (pid === undefined || why) return;
    why = reason;
    signalGroup(pid, 'SIGTERM');
    setTimeout(() => signalGroup(pid, 'SIGKILL'), 2000).unref();
  };
  if (pid !== undefined) trackGroup(pid);
  const timer = setTimeout(() => end('timed-out'), timeoutMs);
  const onAbort = () => end('interrupted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const result = await subprocess;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  if (pid !== undefined) untrackGroup(pid);
  if (why === 'interrupted') {
    const error = new Error('the check was interrupted');
    error.name = 'AbortError';
    throw error;
  }
  const said = lastLine(typeof result.stderr === 'string' ? result.stderr : '');
  if (why === 'timed-out') return { kind: 'failed', reason: `${shown} could not run: it took longer than ${formatDuration(timeoutMs)}` };
  if (result.exitCode === undefined) {
    const why = result.signal
      ? `killed by ${result.signal}`
      : result.code === 'ENOENT'
        ? `command not found: ${file}`
        : result.shortMessage;
    return { kind: 'failed', reason: `${shown} could not run: ${why}` };
  }
  if (result.exitCode === 126 || result.exitCode === 127) {
    const why = result.exitCode === 127 ? 'command not found' : 'not executable';
    return { kind: 'failed', reason: `${shown} could not run (exit ${result.exitCode}: ${why}${said ? `: ${said}` : ''})` };
  }
  if (result.exitCode === 0) return { kind: 'answered', found: true, reason: `${shown} found its effect for key ${key} (exit 0)` };
  return { kind: 'answered', found: false, reason: `${shown} did not find its effect for key ${key} (exit ${result.exitCode})` };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 200);
}
