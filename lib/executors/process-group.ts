/**
 * Task process groups. Each task process leads its own group (it is started detached), so
 * that stopping a task stops everything it started: signalling only the shell would leave its
 * children running and holding our pipes open. execa's own kill, `cancelSignal` and
 * `forceKillAfterDelay` signal the leader alone, so the group is signalled here.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Process groups still alive, killed if stagerun exits without stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
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
export async function endGroup(pid: number, graceMs: number): Promise<void> {
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

/** A group stagerun started: SIGKILLed if stagerun exits before it is forgotten. */
export function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous: a kill is.
    process.on('exit', () => {
      for (const group of liveGroups) signalGroup(group, 'SIGKILL');
    });
  }
  liveGroups.add(pid);
}

export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/**
 * CPU time (user + system) that this process's children used, as the kernel counts it when
 * they are reaped (with what their own reaped children used: a shell's commands included),
 * in ms; undefined where there is no /proc (not Linux). An attempt's CPU time is how much it
 * grew between the attempt's start and its process's exit, counted as `CpuMeter` does.
 */
export function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    // USER_HZ is 100 on every Linux architecture Node runs on.
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shares the children's CPU time out among the attempts that end: each exit takes what was
 * used since the previous one (or since the meter last found nothing running), so two
 * processes reaped in the same turn may share out imprecisely. 10 ms resolution.
 */
export class CpuMeter {
  #last: number | undefined;
  #running = 0;

  started(): void {
    if (this.#running++ === 0) this.#last = childrenCpuMs();
  }

  /** The CPU time to put down to the attempt whose process just exited. */
  exited(): number | undefined {
    this.#running = Math.max(0, this.#running - 1);
    const now = childrenCpuMs();
    if (now === undefined || this.#last === undefined) return undefined;
    const used = now - this.#last;
    this.#last = now;
    return Math.max(0, used);
  }
}
