/**
 * The way out when a function task blocks the event loop. stagerun's signal handlers are
 * JavaScript: while a function task keeps the loop busy with synchronous work (`while
 * (true) {}`, a huge sync parse), Ctrl-C is queued and never handled. So while a run with
 * function tasks goes on, a small shell waits beside stagerun, in its process group (the
 * terminal's Ctrl-C reaches both), and stagerun sends it a heartbeat four times a second
 * from its event loop. After an interrupt, a grace period without a heartbeat means the
 * loop is blocked: the shell gives the task processes SIGTERM, and SIGKILL a grace period
 * later, then ends stagerun with SIGKILL (exit 137), as a task that ignores SIGTERM is ended.
 * While the heartbeats go on, the run is stopping as usual and the shell only watches. It
 * costs one `sh` per such run and a write every 250 ms; nothing per task or line.
 *
 * It hears what the process group hears (Ctrl-C, a `kill` of the group, the terminal
 * closing); a signal sent to stagerun's pid alone does not reach it.
 */
import type { Execa } from '../lib/executors/execa.js';
import { MARKED_PIDS, watchdogMark } from '../lib/executors/watchdog.js';

/** How often the event loop says it turns. */
const HEARTBEAT_MS = 250;

// $1: the grace period in tenths of a second (at least 10), $2: stagerun's pid, $3: the mark its
// tasks carry. Once the loop is found blocked, the tasks get SIGTERM while stagerun is still
// alive (so that their output pipes stay open and a task's trap can run), SIGKILL a grace
// period later, and then stagerun goes; the watchdog ends whatever left the mark. The reader
// ignores the terminal's signals (set before it starts, so inherited), so only the pipe ends
// it; each heartbeat it reads is a USR1 to this shell ($$ is the shell's pid in a subshell too).
// (A background list's stdin is /dev/null unless redirected from a saved descriptor: fd 3.)
const SCRIPT = `trap '' INT TERM HUP
limit=$1 stagerun=$2 mark=$3
${MARKED_PIDS}
exec 3<&0
(while read -r _; do kill -USR1 $$ 2>/dev/null; done) <&3 &
exec 3<&-
reader=$!
quiet=0
trap 'quiet=0' USR1
stop() {
  [ -n "$stopping" ] && return
  stopping=1
  quiet=0
  while kill -0 "$reader" 2>/dev/null; do
    if [ "$quiet" -ge "$limit" ]; then
      echo "stagerun: interrupted, but a function task keeps the event loop busy: its tasks are stopped, then stagerun, by force" >&2
      for p in $(marked "$mark"); do kill -TERM "$p" 2>/dev/null; done
      sleep "$((limit / 10))"
      for p in $(marked "$mark"); do kill -KILL "$p" 2>/dev/null; done
      kill -KILL "$stagerun" 2>/dev/null
      exit 0
    fi
    sleep 0.1
    quiet=$((quiet + 1))
  done
  exit 0
}
trap stop INT TERM HUP
while kill -0 "$reader" 2>/dev/null; do wait "$reader"; done
`;

export interface LoopGuard {
  /** The run is over: the guard ends. */
  end(): void;
  /** The guard's shell (for tests); undefined if it could not start. */
  readonly pid: number | undefined;
}

/** Starts the guard of this process (`target`, for tests: another one to end). */
export function startLoopGuard(execa: Execa, graceMs: number, target = process.pid): LoopGuard {
  const tenths = Math.max(10, Math.ceil(graceMs / 100));
  let child: ReturnType<Execa> | undefined;
  try {
    child = execa('/bin/sh', ['-c', SCRIPT, 'stagerun-loop-guard', String(tenths), String(target), watchdogMark()], {
      stdin: 'pipe',
      stdout: 'ignore',
      stderr: 'inherit',
      buffer: false,
      reject: false,
    });
  } catch {
    return { end() {}, pid: undefined };
  }
  // Neither the process nor its pipe may keep stagerun running.
  child.unref();
  const stdin = child.stdin as (NodeJS.WritableStream & { unref?: () => void; destroy(): void }) | null;
  stdin?.unref?.();
  stdin?.on('error', () => {});
  child.on('error', () => {});
  const beat = setInterval(() => stdin?.write('\n'), HEARTBEAT_MS);
  beat.unref();
  return {
    end() {
      clearInterval(beat);
      stdin?.destroy();
    },
    pid: child.pid,
  };
}
