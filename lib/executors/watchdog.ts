/**
 * A watchdog for task process groups: a small shell that stagerun tells, through a pipe,
 * which groups are alive. If stagerun dies in any way (SIGKILL, a crash, an `exit` that
 * skipped cleanup), the pipe closes, and the watchdog ends every group still registered:
 * SIGTERM, then SIGKILL after the grace period. No task process outlives stagerun.
 *
 * It costs one `sh` started per run (off the path of the first task), one short write per
 * task start, and one per turn of the event loop for the tasks that ended in it (the shell
 * reads a byte at a time, and each write wakes it); it prints nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Execa } from './execa.js';

/** A shell function printing the pids of the processes whose environment has STAGERUN_WATCHDOG=$1 (through /proc). */
export const MARKED_PIDS = `marked() {
  grep -l -s -z -x -F "STAGERUN_WATCHDOG=$1" /proc/[0-9]*/environ 2>/dev/null | sed -n 's|^/proc/\\([0-9][0-9]*\\)/environ$|\\1|p'
}`;

// Each live group is a shell variable g_<pgid>; the loop ends when stagerun's end of the
// pipe closes. Then every registered group is ended, and so is every process that carries
// this watchdog's mark in its environment ($2, given to every task process and inherited by
// all they start): that catches a task process stagerun died before registering (between
// spawn() and the write that follows it), and one that left its group (\`setsid daemon &\`).
// The mark is found through /proc (Linux); without it, the groups alone are ended.
// Terminal signals are ignored: only the pipe says when stagerun is gone.
const SCRIPT = `trap '' INT HUP TERM QUIT
while read -r op pid; do
  case "$op$pid" in
    *[!0-9+-]*) ;;
    +*) eval "g_$pid=1" ;;
    -*) unset "g_$pid" ;;
  esac
done
${MARKED_PIDS}
pids=$(set | sed -n 's/^g_\\([0-9][0-9]*\\)=.*/\\1/p')
others=$(marked "$2")
[ -z "$pids$others" ] && exit 0
for p in $pids; do kill -TERM "-$p" 2>/dev/null; done
for p in $others; do kill -TERM "$p" 2>/dev/null; done
sleep "$1"
for p in $pids; do kill -KILL "-$p" 2>/dev/null; done
for p in $(marked "$2"); do kill -KILL "$p" 2>/dev/null; done
`;

export interface Watchdog {
  /** The group `pgid` is alive: end it if stagerun dies. */
  watch(pgid: number): void;
  /** The group is gone (or was ended by stagerun): forget it. */
  forget(pgid: number): void;
  /** The value of STAGERUN_WATCHDOG to give every task process: what the watchdog looks for if stagerun dies. */
  readonly mark: string;
  readonly pid: number | undefined;
}

let shared: Watchdog | undefined;
let sharedMark: string | undefined;

/** The mark of this process's watchdog: known before it starts, so that the tasks' environment can carry it. */
export function watchdogMark(): string {
  sharedMark ??= `${process.pid}-${randomBytes(6).toString('hex')}`;
  return sharedMark;
}

/** The process's watchdog, started (through execa) on first use and shared by every run in this process. */
export function watchdog(execa: Execa, graceMs: number): Watchdog {
  shared ??= startWatchdog(execa, graceMs, watchdogMark());
  return shared;
}

function withoutMark(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { STAGERUN_WATCHDOG: _, ...rest } = env;
  return rest;
}

export function startWatchdog(execa: Execa, graceMs: number, mark: string): Watchdog {
  let child: ReturnType<Execa> | undefined;
  try {
    child = execa('/bin/sh', ['-c', SCRIPT, 'stagerun-watchdog', String(Math.max(0, graceMs) / 1000), mark], {
      stdin: 'pipe',
      stdout: 'ignore',
      stderr: 'ignore',
      // Without an outer stagerun's mark (when stagerun runs as a task): the outer watchdog must
      // not end this one, which has this run's tasks to look after.
      env: withoutMark(process.env),
      extendEnv: false,
      // Its own group: a Ctrl-C at the terminal is stagerun's to handle, not the watchdog's.
      detached: true,
      buffer: false,
      reject: false,
    });
  } catch {
    child = undefined;
  }
  const stdin = child?.pid === undefined ? undefined : child.stdin;
  // Neither the process nor its pipe may keep stagerun running.
  child?.unref();
  (stdin as unknown as { unref?: () => void } | undefined)?.unref?.();
  let alive = stdin !== undefined && stdin !== null;
  child?.on('error', () => (alive = false));
  stdin?.on('error', () => (alive = false));
  const write = (text: string) => {
    if (alive) stdin!.write(text);
  };
  // A group is registered at once: between its spawn and this write, stagerun dying would
  // orphan it (a test that SIGKILLs stagerun under load caught a batched write doing so).
  // Forgetting can wait for the end of the turn and go in one write with the others: a late
  // "forget" only makes the watchdog signal a group that is already gone.
  let forgotten = '';
  const flushForgotten = () => {
    write(forgotten);
    forgotten = '';
  };
  const forget = (line: string) => {
    if (forgotten === '') queueMicrotask(flushForgotten);
    forgotten += line;
  };
  return {
    watch: (pgid) => {
      // A reused process id must not be forgotten by a line that was meant for its predecessor.
      if (forgotten !== '') forgotten = forgotten.replace(`- ${pgid}\n`, '');
      write(`+ ${pgid}\n`);
    },
    forget: (pgid) => forget(`- ${pgid}\n`),
    mark,
    pid: child?.pid,
  };
}
