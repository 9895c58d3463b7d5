/** Running the built CLI in temporary projects, as a user would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/app.js';
import type { CliIo } from '../../cli/io.js';
import { realClock } from '../../lib/schedule/clock.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(repoRoot, 'dist/cli.js');

const made: string[] = [];
process.on('exit', () => {
  if (!process.env.STAGERUN_KEEP_TEST_DIRS) for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temp directory with the given files, and `node_modules/stagerun` pointing at this repo. Removed at exit. */
export function tempProject(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stagerun-test-'));
  made.push(dir);
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(repoRoot, path.join(dir, 'node_modules/stagerun'), 'dir');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A copy of an example, so that its runs leave nothing in the repository. */
export function copyExample(name: string): string {
  const dir = tempProject();
  cpSync(path.join(repoRoot, 'examples', name), dir, { recursive: true, filter: (src) => !src.includes('.stagerun') });
  return dir;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time of the whole command, ms. */
  ms: number;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Called once the process has started; e.g. to send it signals. */
  onSpawn?: (child: ChildProcess) => void;
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  options.onSpawn?.(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started }));
  });
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** True if the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once `predicate` holds, polling; rejects after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A fake terminal stream that keeps what is written. */
export class Captured {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(text: string): void {
    this.text += text;
  }
}

/** Interrupts a test sends to an in-process command, as a terminal's Ctrl-C would. */
export class FakeSignals {
  readonly #handlers = new Map<string, Set<() => void>>();
  on(signal: string, handler: () => void): void {
    if (!this.#handlers.has(signal)) this.#handlers.set(signal, new Set());
    this.#handlers.get(signal)!.add(handler);
  }
  off(signal: string, handler: () => void): void {
    this.#handlers.get(signal)?.delete(handler);
  }
  send(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP'): void {
    for (const handler of [...(this.#handlers.get(signal) ?? [])]) handler();
  }
  get listening(): number {
    return [...this.#handlers.values()].reduce((sum, set) => sum + set.size, 0);
  }
}

export interface MainOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** stdout (and stderr) is a terminal. */
  tty?: boolean;
  columns?: number;
  signals?: FakeSignals;
  /** Answers to prompts, in order (after a delay, if given); without it there is no terminal to ask on. */
  answers?: (string | { answer: string; afterMs: number })[];
  /** Called when the command closes a question (withdraws it, or is done with it). */
  onClose?: (question: string) => void;
  /** Called once the command has started (e.g. to send it signals). */
  onStart?: (io: CliIo) => void;
}

/** Runs a command in this process, as the bin would, and returns what it printed. */
export async function runMain(args: string[], options: MainOptions): Promise<CliResult & { prompts: string[] }> {
  const stdout = new Captured(options.tty ?? false, options.columns ?? 100);
  const stderr = new Captured(options.tty ?? false, options.columns ?? 100);
  const prompts: string[] = [];
  const answers = options.answers ? [...options.answers] : undefined;
  const io: CliIo = {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
    stdout,
    stderr,
    ask: answers
      ? (question) => {
          prompts.push(question);
          // Marks in stdout show what was printed while the question was open.
          stdout.write('<<asked>>');
          const next = answers.shift() ?? '';
          const { answer, afterMs } = typeof next === 'string' ? { answer: next, afterMs: 0 } : next;
          // As the real prompt does, close() withdraws an open question: it then answers ''.
          let withdraw = () => {};
          const answered = new Promise<string>((resolve) => {
            const timer = setTimeout(() => {
              stdout.write('<<answered>>');
              resolve(answer);
            }, afterMs);
            withdraw = () => {
              clearTimeout(timer);
              resolve('');
            };
          });
          return {
            answer: answered,
            redraw() {},
            close() {
              options.onClose?.(question);
              withdraw();
            },
          };
        }
      : undefined,
    signals: options.signals ?? new FakeSignals(),
    clock: realClock,
  };
  const started = performance.now();
  options.onStart?.(io);
  const code = await main(args, io);
  return { code, signal: null, stdout: stdout.text, stderr: stderr.text, ms: performance.now() - started, prompts };
}
