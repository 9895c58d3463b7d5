/**
 * The executor that runs tasks on this machine: commands as processes (started through
 * execa), functions in-process. Each process leads its own process group
 * (process-group.ts), so that stopping a task stops everything it started.
 *
 * A command finds the tools its package installed as `npm run` does: execa's `preferLocal`
 * puts `node_modules/.bin` of the task's directory and of every directory above it first on
 * its PATH, however stagerun itself was started.
 *
 * A task ends when its own process exits, as in make. Children it left running in the
 * background (`server &`) do not hold it or its dependents: what they print is still
 * shown under the task's name, and their group is ended when the run ends (`close()`).
 */
import { statSync } from 'node:fs';
import { format } from 'node:util';
import { type TaskContext, type TaskFunction, withArgs } from '../model/model.js';
import { MAX_TIMER_MS } from '../schedule/clock.js';
import type { Execa } from './execa.js';
import { loadExeca, loadedExeca } from './execa.js';
import type { Attempt, Executor, Outcome, RunningTask, TaskIO } from './executor.js';
import { LineSplitter } from './lines.js';
import { CpuMeter, endGroup, groupAlive, signalGroup, trackGroup, untrackGroup } from './process-group.js';
import { copyEnv, type Environment, taskEnv } from './task-env.js';
import { type Watchdog, watchdog, watchdogMark } from './watchdog.js';

export type { Environment } from './task-env.js';

export interface LocalExecutorOptions {
  /** Time between the polite signal and SIGKILL when a task is stopped. Default 5000. */
  graceMs?: number;
  /** The polite signal sent to a task's process group when the run is interrupted. Default SIGTERM. */
  stopSignal?: 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2';
  /** The environment tasks start from (less the variables test runners set for their children). Default: process.env. */
  env?: Environment;
  /**
   * The colour depth stagerun's own output has (0–3). Tasks' output is piped, so most tools
   * would drop their colours: when this is above 0, tasks get FORCE_COLOR at this level
   * (unless the environment already sets FORCE_COLOR or NO_COLOR). Default 0.
   */
  colorLevel?: 0 | 1 | 2 | 3;
  /** End every task's group if stagerun dies without doing so itself. Default true. */
  watchdog?: boolean;
  /** Where the output goes, and whether it is taking it: while congested, tasks' pipes are not read (they wait to write). */
  pressure?: OutputPressure;
}

/** Back-pressure from whatever shows the output (a slow terminal, `| less`, ssh). */
export interface OutputPressure {
  /** The reader is behind: stop reading tasks' output for now. */
  readonly congested: boolean;
  /** Calls `callback` once it is no longer congested. */
  whenClear(callback: () => void): void;
}

/** After its process exits, how long a task waits for the last of its output before it ends anyway (children may hold the pipe). */
const OUTPUT_SETTLE_MS = 50;

/** Why a process could not start, in words: a missing command and a missing directory both come back as ENOENT. */
function spawnFailure(code: string | undefined, message: string, command: string, cwd: string): Outcome {
  if (code === 'ENOENT' && !directoryExists(cwd)) return { kind: 'could-not-start', reason: `directory not found: ${cwd}` };
  if (code === 'ENOENT') return { kind: 'could-not-start', reason: `command not found: ${command}` };
  if (code === 'EACCES') return { kind: 'could-not-start', reason: `permission denied: ${command}` };
  return { kind: 'could-not-start', reason: message };
}

export class LocalExecutor implements Executor {
  readonly #graceMs: number;
  readonly #stopSignal: NodeJS.Signals;
  readonly #env: Readonly<Record<string, string>>;
  readonly #watched: boolean;
  readonly #pressure: OutputPressure | undefined;
  readonly #cpu = new CpuMeter();
  /** Groups whose leader exited while other members may still run: ended by close(). */
  readonly #lingering = new Map<number, () => Promise<void>>();

  constructor(options: LocalExecutorOptions = {}) {
    // A grace longer than a timer can wait is as good as none to end: capped where setTimeout would fire at once.
    this.#graceMs = Math.min(options.graceMs ?? 5000, MAX_TIMER_MS);
    this.#stopSignal = options.stopSignal ?? 'SIGTERM';
    const env = copyEnv(options.env ?? process.env);
    if ((options.colorLevel ?? 0) > 0 && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined)
      env.FORCE_COLOR = String(options.colorLevel);
    this.#watched = options.watchdog !== false;
    this.#pressure = options.pressure;
    // Inherited by everything the tasks start: if stagerun dies, the watchdog finds them by it.
    if (this.#watched) env.STAGERUN_WATCHDOG = watchdogMark();
    else delete env.STAGERUN_WATCHDOG;
    this.#env = env;
    // While the run hashes and plans; a failure to load is reported by the first task that needs it.
    loadExeca().catch(() => {});
  }

  /** The same as `new LocalExecutor(options)` (kept from when it loaded a library first). */
  static async create(options: LocalExecutorOptions = {}): Promise<LocalExecutor> {
    return new LocalExecutor(options);
  }

  start(attempt: Attempt, io: TaskIO): RunningTask {
    const run = attempt.task.run;
    if (typeof run === 'function') return this.#startFunction(attempt, run, io);
    if (run === undefined) {
      io.end({ kind: 'exited', exitCode: 0 });
      return { stop() {} };
    }
    const execa = loadedExeca();
    return execa ? this.#startProcess(execa, attempt, run, io) : this.#startOnceLoaded(attempt, run, io);
  }

  /**
   * Ends what tasks left running in the background: SIGTERM to each such group, SIGKILL
   * after the grace period; resolves when they are gone. Called once the run has ended.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#lingering.values()].map((end) => end()));
  }

  /** The first process of a run may be asked for before execa has loaded: it starts then, and a stop asked for meanwhile is passed on. */
  #startOnceLoaded(attempt: Attempt, run: string | readonly string[], io: TaskIO): RunningTask {
    let handle: RunningTask | undefined;
    let stopAsked: boolean | undefined;
    loadExeca().then(
      (execa) => {
        handle = this.#startProcess(execa, attempt, run, io);
        if (stopAsked !== undefined) handle.stop(stopAsked);
      },
      (error: unknown) => io.end({ kind: 'could-not-start', reason: `execa could not be loaded: ${(error as Error)?.message ?? error}` }),
    );
    return {
      stop: (force) => {
        if (handle) handle.stop(force);
        else stopAsked = (stopAsked ?? false) || force;
      },
    };
  }

  #startProcess(execa: Execa, { task, number, hash }: Attempt, run: string | readonly string[], io: TaskIO): RunningTask {
    const dog: Watchdog | undefined = this.#watched ? watchdog(execa, this.#graceMs) : undefined;
    const [file, args] =
      typeof run === 'string' ? ['/bin/sh', ['-c', withArgs(run, task.args)]] : [run[0]!, [...run.slice(1), ...task.args]];
    const subprocess = execa(file, args, {
      cwd: task.cwd,
      env: taskEnv(this.#env, task, number, hash),
      extendEnv: false,
      preferLocal: true,
      localDir: task.cwd,
      // Its own process group (setsid), so that stopping it stops all it started.
      detached: true,
      stdin: 'ignore',
      // Lines are split here, as they come (lines.ts): nothing is kept in memory.
      buffer: false,
      reject: false,
    });
    const pid = subprocess.pid;
    if (pid !== undefined) {
      trackGroup(pid);
      dog?.watch(pid);
      this.#cpu.started();
    }
    const out = new LineSplitter((line) => io.output('stdout', line));
    const err = new LineSplitter((line) => io.output('stderr', line));
    // While the reader of stagerun's output is behind, the task's pipes are not read: the
    // task waits to write, as it would writing to a slow terminal itself. Nothing is lost.
    let paused = false;
    const pressure = this.#pressure;
    const holdBack = () => {
      if (paused || !pressure?.congested) return;
      paused = true;
      subprocess.stdout?.pause();
      subprocess.stderr?.pause();
      pressure.whenClear(() => {
        paused = false;
        subprocess.stdout?.resume();
        subprocess.stderr?.resume();
      });
    };
    subprocess.stdout?.on('data', (chunk: Buffer) => {
      out.write(chunk);
      holdBack();
    });
    subprocess.stderr?.on('data', (chunk: Buffer) => {
      err.write(chunk);
      holdBack();
    });

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
      untrackGroup(pid);
      dog?.forget(pid);
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
      const cpuMs = this.#cpu.exited();
      const used = cpuMs === undefined ? {} : { cpuMs };
      exited =
        code !== null ? { kind: 'exited', exitCode: code, ...used } : { kind: 'signalled', signal: signal ?? 'an unknown signal', ...used };
      // Output the process wrote just before it exited may still be in the pipe: give it a
      // moment, then end the task even if a background child still holds the pipe.
      const settle = () => {
        if (ended) return;
        // Output held back by a slow reader is still to come: the task ends when it has come.
        if (paused) {
          settleTimer = setTimeout(settle, OUTPUT_SETTLE_MS);
          return;
        }
        // What is left of its group (a child finishing its SIGTERM handler, a `server &`) is
        // ended by close(): SIGTERM, then SIGKILL after the grace period, never at once.
        leaveToClose();
        endTask();
      };
      settleTimer = setTimeout(settle, OUTPUT_SETTLE_MS);
      settleTimer.unref();
    });
    if (pid === undefined) {
      // It never ran (no such command or directory): execa's result says why.
      void subprocess.then((result) => {
        if (exited) return;
        exited = spawnFailure(result.code, result.shortMessage ?? `could not start ${file}`, file, task.cwd);
        endTask();
      });
    }
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

function directoryExists(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
