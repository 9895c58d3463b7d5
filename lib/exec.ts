/**
 * The executor that runs tasks on this machine: commands as processes (execa), functions
 * in-process. Each process leads its own process group so that stopping a task stops
 * everything it started: execa alone signals only the shell, and the shell's children
 * would keep running (and keep our pipes open).
 */
import { format } from 'node:util';
import { LineSplitter } from './lines.js';
import type { Executor, Outcome, RunningTask, TaskIO } from './schedule.js';
import type { PlanTask } from './plan.js';
import type { TaskContext, TaskFunction } from './model.js';

type Execa = typeof import('execa').execa;

export interface LocalExecutorOptions {
  /** Time between the polite signal and SIGKILL when a task is stopped. Default 5000. */
  graceMs?: number;
  /** The polite signal sent to a task's process group when the run is interrupted. Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** The environment tasks start from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Process groups still alive, killed if stagerun exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
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
export function copyEnv(base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  return env;
}

export function taskEnv(base: Readonly<Record<string, string>>, task: PlanTask): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(task.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  env.STAGERUN_TASK = task.name;
  return env;
}

function spawnFailure(error: { code?: string; originalMessage?: string; shortMessage?: string }, command: string): string {
  if (error.code === 'ENOENT') return `command not found: ${command}`;
  if (error.code === 'EACCES') return `permission denied: ${command}`;
  return error.originalMessage ?? error.shortMessage ?? 'could not start';
}

export class LocalExecutor implements Executor {
  readonly #execa: Execa;
  readonly #graceMs: number;
  readonly #stopSignal: NodeJS.Signals;
  readonly #env: Readonly<Record<string, string>>;

  private constructor(execa: Execa, options: LocalExecutorOptions) {
    this.#execa = execa;
    this.#graceMs = options.graceMs ?? 5000;
    this.#stopSignal = options.stopSignal ?? 'SIGTERM';
    this.#env = copyEnv(options.env ?? process.env);
  }

  /** Async because execa is loaded only when something actually runs (its import costs about 55 ms). */
  static async create(options: LocalExecutorOptions = {}): Promise<LocalExecutor> {
    const { execa } = await import('execa');
    return new LocalExecutor(execa, options);
  }

  start(task: PlanTask, io: TaskIO): RunningTask {
    const run = task.run;
    if (typeof run === 'function') return this.#startFunction(task, run, io);
    if (run === undefined) {
      io.end({ exitCode: 0 });
      return { stop() {} };
    }
    return this.#startProcess(task, run, io);
  }

  #startProcess(task: PlanTask, run: string | readonly string[], io: TaskIO): RunningTask {
    installExitHook();
    const common = {
      cwd: task.cwd,
      env: taskEnv(this.#env, task),
      extendEnv: false,
      detached: true,
      reject: false,
      buffer: false,
      stdin: 'ignore',
      encoding: 'buffer',
    } as const;
    const subprocess =
      typeof run === 'string'
        ? this.#execa(run, { ...common, shell: true })
        : this.#execa(run[0]!, run.slice(1), common);
    const pid = subprocess.pid;
    if (pid !== undefined) liveGroups.add(pid);
    const out = new LineSplitter((line) => io.output('stdout', line));
    const err = new LineSplitter((line) => io.output('stderr', line));
    subprocess.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
    subprocess.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
    let killTimer: NodeJS.Timeout | undefined;
    let stopped = false;
    subprocess.then(
      (result) => {
        if (pid !== undefined) liveGroups.delete(pid);
        clearTimeout(killTimer);
        out.end();
        err.end();
        const outcome: Outcome =
          result.exitCode === undefined && !result.signal
            ? { exitCode: null, error: spawnFailure(result, typeof run === 'string' ? run : run[0]!) }
            : {
                exitCode: result.exitCode ?? null,
                signal: result.signal ?? null,
                error: result.signal ? (stopped ? 'stopped' : `killed by ${result.signal}`) : null,
              };
        io.end(outcome);
      },
      (error: unknown) => {
        if (pid !== undefined) liveGroups.delete(pid);
        io.end({ exitCode: null, error: String((error as Error)?.message ?? error) });
      },
    );
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

  #startFunction(task: PlanTask, fn: TaskFunction, io: TaskIO): RunningTask {
    const controller = new AbortController();
    const context: TaskContext = {
      name: task.name,
      cwd: task.cwd,
      env: taskEnv(this.#env, task),
      signal: controller.signal,
      log: (...parts) => {
        for (const line of format(...parts).split('\n')) io.output('stdout', line);
      },
    };
    Promise.resolve()
      .then(() => fn(context))
      .then(
        () => io.end(controller.signal.aborted ? { exitCode: null, error: 'stopped' } : { exitCode: 0 }),
        (error: unknown) =>
          io.end({ exitCode: 1, error: error instanceof Error ? error.message : format(error) }),
      );
    return {
      // A function cannot be killed: abort its signal, and stop waiting after the grace period.
      stop: (force) => {
        controller.abort();
        const giveUp = () => io.end({ exitCode: null, error: 'stopped (the function did not finish)' });
        if (force) giveUp();
        else setTimeout(giveUp, this.#graceMs).unref();
      },
    };
  }
}
