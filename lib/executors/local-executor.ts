/**
 * The executor that runs tasks on this machine: commands as processes, functions
 * in-process. Each process leads its own process group so that stopping a task stops
 * everything it started: signalling only the shell would leave its children running (and
 * holding our pipes open).
 *
 * Processes are started with node:child_process directly. execa did this until the
 * per-task bar (docs/performance.md): it added 0.5–0.7 ms to each task on top of spawn's
 * own ~1 ms, and stagerun used none of what it adds (no buffering, no rejection, its own
 * line splitting and group signalling). Its module also made every run's process 30 MB
 * larger, and forking a larger process is slower.
 *
 * A task ends when its own process exits, as in make. Children it left running in the
 * background (`server &`) do not hold it or its dependents: what they print is still
 * shown under the task's name, and their group is ended when the run ends (`close()`).
 */
import { type SpawnOptionsWithStdioTuple, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { format } from 'node:util';
import { type TaskContext, type TaskFunction, withArgs } from '../model/model.js';
import type { PlanTask } from '../plan/plan.js';
import type { Attempt, Executor, Outcome, RunningTask, TaskIO } from './executor.js';
import { LineSplitter } from './lines.js';
import { type Watchdog, watchdog } from './watchdog.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface LocalExecutorOptions {
  /** Time between the polite signal and SIGKILL when a task is stopped. Default 5000. */
  graceMs?: number;
  /** The polite signal sent to a task's process group when the run is interrupted. Default SIGTERM. */
  stopSignal?: 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2';
  /** The environment tasks start from. Default: process.env. */
  env?: Environment;
  /**
   * The colour depth stagerun's own output has (0–3). Tasks' output is piped, so most tools
   * would drop their colours: when this is above 0, tasks get FORCE_COLOR at this level
   * (unless the environment already sets FORCE_COLOR or NO_COLOR). Default 0.
   */
  colorLevel?: 0 | 1 | 2 | 3;
  /** End every task's group if stagerun dies without doing so itself. Default true. */
  watchdog?: boolean;
}

/** After its process exits, how long a task waits for the last of its output before it ends anyway (children may hold the pipe). */
const OUTPUT_SETTLE_MS = 50;

/** Process groups still alive, killed if stagerun exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone.
  }
}

/**
 * Whether any process of the group is still running. A killed process stays a zombie until
 * its parent reaps it, and an orphan's new parent (PID 1 in a container) may take its
 * time: on Linux, zombies are told apart through /proc.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) > 57) continue; // not a PID
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

/** SIGTERM to the group, SIGKILL after `graceMs`; resolves once no process of it is left. */
async function endGroup(pid: number, graceMs: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let killed = false;
  while (groupAlive(pid)) {
    if (!killed && Date.now() >= deadline) {
      signalGroup(pid, 'SIGKILL');
      killed = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a kill is.
  process.on('exit', () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  });
}

/** A plain copy of an environment: reading process.env key by key is slow, so it is done once. */
export function copyEnv(base: Environment): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  return env;
}

export function taskEnv(base: Readonly<Record<string, string>>, task: PlanTask, attempt = 1, hash?: string): Record<string, string> {
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

/** Why a process could not start, in words: a missing command and a missing directory both come back as ENOENT. */
function spawnFailure(error: NodeJS.ErrnoException, command: string, cwd: string): Outcome {
  if (error.code === 'ENOENT' && !existsSync(cwd)) return { kind: 'could-not-start', reason: `directory not found: ${cwd}` };
  if (error.code === 'ENOENT') return { kind: 'could-not-start', reason: `command not found: ${command}` };
  if (error.code === 'EACCES') return { kind: 'could-not-start', reason: `permission denied: ${command}` };
  return { kind: 'could-not-start', reason: error.message };
}

export class LocalExecutor implements Executor {
  readonly #graceMs: number;
  readonly #stopSignal: NodeJS.Signals;
  readonly #env: Readonly<Record<string, string>>;
  readonly #watchdog: Watchdog | undefined;
  /** Groups whose leader exited while other members may still run: ended by close(). */
  readonly #lingering = new Map<number, () => Promise<void>>();

  constructor(options: LocalExecutorOptions = {}) {
    this.#graceMs = options.graceMs ?? 5000;
    this.#stopSignal = options.stopSignal ?? 'SIGTERM';
    const env = copyEnv(options.env ?? process.env);
    if ((options.colorLevel ?? 0) > 0 && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined)
      env.FORCE_COLOR = String(options.colorLevel);
    this.#watchdog = options.watchdog === false ? undefined : watchdog(this.#graceMs);
    // Inherited by everything the tasks start: if stagerun dies, the watchdog finds them by it.
    if (this.#watchdog) env.STAGERUN_WATCHDOG = this.#watchdog.mark;
    else delete env.STAGERUN_WATCHDOG;
    this.#env = env;
  }

  /** The same as `new LocalExecutor(options)` (kept from when it loaded a library first). */
  static async create(options: LocalExecutorOptions = {}): Promise<LocalExecutor> {
    return new LocalExecutor(options);
  }

  start(attempt: Attempt, io: TaskIO): RunningTask {
    const { task } = attempt;
    const run = task.run;
    if (typeof run === 'function') return this.#startFunction(attempt, run, io);
    if (run === undefined) {
      io.end({ kind: 'exited', exitCode: 0 });
      return { stop() {} };
    }
    return this.#startProcess(attempt, run, io);
  }

  /**
   * Ends what tasks left running in the background: SIGTERM to each such group, SIGKILL
   * after the grace period; resolves when they are gone. Called once the run has ended.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#lingering.values()].map((end) => end()));
  }

  #startProcess({ task, number, hash }: Attempt, run: string | readonly string[], io: TaskIO): RunningTask {
    installExitHook();
    // Each task leads its own process group (detached: setsid), so that stopping it stops all it started.
    const options: SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'pipe'> = {
      cwd: task.cwd,
      env: taskEnv(this.#env, task, number, hash),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    };
    const subprocess =
      typeof run === 'string'
        ? spawn('/bin/sh', ['-c', withArgs(run, task.args)], options)
        : spawn(run[0]!, [...run.slice(1), ...task.args], options);
    const pid = subprocess.pid;
    if (pid !== undefined) {
      liveGroups.add(pid);
      this.#watchdog?.watch(pid);
    }
    const out = new LineSplitter((line) => io.output('stdout', line));
    const err = new LineSplitter((line) => io.output('stderr', line));
    subprocess.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
    subprocess.stderr?.on('data', (chunk: Buffer) => err.write(chunk));

    let killTimer: NodeJS.Timeout | undefined;
    let stopped = false;
    let exited: Outcome | undefined;
    let ended = false;
    const endTask = () => {
      if (ended || !exited) return;
      ended = true;
      io.end(exited);
    };
    const forgetGroup = () => {
      if (pid === undefined) return;
      liveGroups.delete(pid);
      this.#watchdog?.forget(pid);
      this.#lingering.delete(pid);
    };
    /** The leader is gone; anything left in its group (a `server &`) is ended when the run ends. */
    const leaveToClose = () => {
      if (pid === undefined || this.#lingering.has(pid)) return;
      if (!groupAlive(pid)) return forgetGroup();
      this.#lingering.set(pid, () => endGroup(pid, this.#graceMs).then(forgetGroup));
    };
    // The pipes close when every process holding them has exited or let go of them.
    let settleTimer: NodeJS.Timeout | undefined;
    subprocess.on('close', () => {
      clearTimeout(killTimer);
      clearTimeout(settleTimer);
      out.end();
      err.end();
      if (stopped || pid === undefined) forgetGroup();
      else leaveToClose();
      endTask();
    });
    subprocess.on('exit', (code, signal) => {
      exited = code !== null ? { kind: 'exited', exitCode: code } : { kind: 'signalled', signal: signal ?? 'an unknown signal' };
      // Output the process wrote just before it exited may still be in the pipe: give it a
      // moment, then end the task even if a background child still holds the pipe.
      settleTimer = setTimeout(() => {
        if (ended) return;
        if (!stopped) leaveToClose();
        endTask();
      }, OUTPUT_SETTLE_MS);
      settleTimer.unref();
    });
    // It never ran (no such command or directory): no 'exit' comes, and 'close' may.
    subprocess.on('error', (error: NodeJS.ErrnoException) => {
      if (exited) return;
      forgetGroup();
      exited = spawnFailure(error, typeof run === 'string' ? '/bin/sh' : run[0]!, task.cwd);
      endTask();
    });
    return {
      stop: (force) => {
        if (pid === undefined) return;
        stopped = true;
        if (force) {
          signalGroup(pid, 'SIGKILL');
          return;
        }
        signalGroup(pid, this.#stopSignal);
        killTimer ??= setTimeout(() => signalGroup(pid, 'SIGKILL'), this.#graceMs);
        killTimer.unref();
      },
    };
  }

  #startFunction({ task, number, hash }: Attempt, fn: TaskFunction, io: TaskIO): RunningTask {
    const controller = new AbortController();
    const context: TaskContext = {
      name: task.name,
      cwd: task.cwd,
      env: taskEnv(this.#env, task, number, hash),
      signal: controller.signal,
      args: task.args,
      attempt: number,
      hash,
      log: (...parts) => {
        for (const line of format(...parts).split('\n')) io.output('stdout', line);
      },
    };
    Promise.resolve()
      .then(() => fn(context))
      .then(
        () => io.end({ kind: 'exited', exitCode: 0 }),
        (error: unknown) => io.end({ kind: 'threw', message: error instanceof Error ? error.message : format(error) }),
      );
    return {
      // A function cannot be killed: abort its signal, and stop waiting after the grace period.
      stop: (force) => {
        controller.abort();
        const giveUp = () => io.end({ kind: 'threw', message: 'stopped (the function did not finish)' });
        if (force) giveUp();
        else setTimeout(giveUp, this.#graceMs).unref();
      },
    };
  }
}
