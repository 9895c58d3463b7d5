// Ctrl-C leaves nothing behind: every process a task started is gone, checked by PID.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import { cliPath, isAlive, readJson, runCli, tempProject, waitFor } from '../helpers/cli.js';
import type { Tap } from '../helpers/tap.js';

// Each task starts two background sleeps and records their PIDs and its shell's.
const task = (name: string, trap: string) =>
  `p.task('${name}', { run: '${trap}sleep 300 & echo $! >> ${name}.pids; sleep 301 & echo $! >> ${name}.pids; echo $$ >> ${name}.pids; wait' });`;

function project(trap = ''): string {
  return tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
${task('one', trap)}
${task('two', trap)}
p.task('never', { run: 'touch never-ran', deps: ['one'] });
p.default('one', 'two', 'never');
export default p;
`,
  });
}

function pids(dir: string): number[] {
  return ['one', 'two'].flatMap((name) => {
    const file = path.join(dir, `${name}.pids`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
  });
}

/** The pid a task wrote to `file` (once the line is complete); killed at the test's end if still alive. */
async function pidWritten(t: Tap, dir: string, file: string): Promise<number> {
  const pidFile = path.join(dir, file);
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 15_000, file);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  t.teardown(() => void (isAlive(pid) && process.kill(pid, 'SIGKILL')));
  return pid;
}

async function interrupt(t: Tap, dir: string, args: string[], send: (child: ChildProcess) => void) {
  let child: ChildProcess | undefined;
  const running = runCli(['-j2', '--report', 'report.json', ...args], { cwd: dir, onSpawn: (c) => (child = c) });
  t.teardown(() => {
    child?.kill('SIGKILL');
    for (const pid of pids(dir)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  await waitFor(() => pids(dir).length === 6, 15_000, 'both tasks to start their processes');
  const all = pids(dir);
  t.ok(all.every(isAlive), 'all task processes are running');
  const sentAt = performance.now();
  send(child!);
  const result = await running;
  const stopMs = performance.now() - sentAt;
  t.equal(result.code, 130, 'exit code 130');
  t.same(all.filter(isAlive), [], 'no task process is left alive');
  t.notOk(existsSync(path.join(dir, 'never-ran')), 'nothing new started');
  const report = readJson<RunReport>(path.join(dir, 'report.json'));
  t.equal(report.status, 'interrupted');
  t.same(
    report.tasks.map((task) => task.status),
    ['interrupted', 'interrupted', 'cancelled'],
  );
  return { result, stopMs };
}

t.test('SIGINT stops the running tasks and their children', async (t) => {
  const dir = project();
  const { result, stopMs } = await interrupt(t, dir, [], (child) => child.kill('SIGINT'));
  t.ok(stopMs < 3000, `stopped in ${Math.round(stopMs)} ms`);
  t.match(result.stdout, /interrupted; stopping 2 running tasks \(one, two\); press Ctrl-C again to kill them now/);
  t.match(result.stdout, /■ interrupted: one two never \(-j2, dag\): 2 interrupted, 1 cancelled/);
});

t.test('SIGTERM does the same', async (t) => {
  await interrupt(t, project(), [], (child) => child.kill('SIGTERM'));
});

t.test('a task that ignores SIGTERM is killed after the grace period', async (t) => {
  const { stopMs } = await interrupt(t, project('trap "" TERM; '), ['--grace', '1'], (child) => child.kill('SIGINT'));
  t.ok(stopMs >= 950 && stopMs < 4000, `killed after the 1 s grace (${Math.round(stopMs)} ms)`);
});

t.test('a second Ctrl-C kills at once', async (t) => {
  const { stopMs } = await interrupt(t, project('trap "" TERM; '), ['--grace', '60'], (child) => {
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGINT'), 300);
  });
  t.ok(stopMs < 5000, `killed in ${Math.round(stopMs)} ms, not after the 60 s grace`);
});

t.test('Ctrl-C while a function task blocks the event loop: handled, summary printed, nothing left behind', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
import { execSync } from 'node:child_process';
const p = pipeline();
p.task('long', { run: 'echo $$ > long.pid; exec sleep 20' });
p.task('blocking', { run: () => { execSync('sleep 1.5'); } });
export default p;
`,
  });
  let child: ChildProcess | undefined;
  const running = runCli(['long', 'blocking', '-j2'], { cwd: dir, onSpawn: (c) => (child = c) });
  const pid = await pidWritten(t, dir, 'long.pid');
  child!.kill('SIGINT');
  const result = await running;
  t.equal(result.code, 130, 'stagerun handled the signal and exited 130');
  t.equal(result.signal, null, 'not killed by the default action');
  t.match(result.stdout, /■ interrupted: long blocking/);
  t.notOk(isAlive(pid), 'the sleep 20 task is gone');
  t.ok(existsSync(path.join(dir, '.stagerun/history.jsonl')), 'the run was recorded');
});

t.test('stagerun killed with SIGKILL: the watchdog ends every task group', async (t) => {
  const dir = project();
  let child: ChildProcess | undefined;
  const running = runCli(['-j2', '--grace', '1'], { cwd: dir, onSpawn: (c) => (child = c) });
  await waitFor(() => pids(dir).length === 6, 15_000, 'both tasks to start their processes');
  const all = pids(dir);
  t.teardown(() => {
    for (const pid of all) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  child!.kill('SIGKILL');
  const result = await running;
  t.equal(result.signal, 'SIGKILL');
  await waitFor(() => all.every((pid) => !isAlive(pid)), 5000, 'every task process to end').catch(() => {});
  t.same(all.filter(isAlive), [], 'no task process outlives stagerun');
});

t.test('stagerun killed with SIGKILL: a process that left the group of its task is ended too', async (t) => {
  // `setsid` puts the sleep in a session and group of its own: only the mark it inherited
  // in its environment ties it to the run.
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('daemon', { run: 'setsid sleep 300 & echo $! > daemon.pid; sleep 300' });
export default p;
`,
  });
  let child: ChildProcess | undefined;
  const running = runCli(['daemon', '--grace', '1'], { cwd: dir, onSpawn: (c) => (child = c) });
  const daemon = await pidWritten(t, dir, 'daemon.pid');
  t.match(readFileSync(`/proc/${daemon}/environ`, 'latin1'), /(^|\0)STAGERUN_WATCHDOG=\d+-[0-9a-f]+\0/, 'the mark is inherited');
  child!.kill('SIGKILL');
  await running;
  await waitFor(() => !isAlive(daemon), 5000, 'the daemon to end').catch(() => {});
  t.notOk(isAlive(daemon), 'the process in its own session is gone');
});

t.test('Ctrl-C while the deployfile hangs at import gets you out', async (t) => {
  const dir = tempProject({
    'deployfile.ts':
      "import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('a', { run: 'true' });\nwhile (true) {}\nexport default p;\n",
  });
  // The test runner adds its own --import hooks to every child's NODE_OPTIONS, and they handle
  // signals themselves: a shell drops them, as a user's terminal would not have them.
  const child = spawn('/bin/sh', ['-c', 'unset NODE_OPTIONS; exec "$0" "$1" a', process.execPath, cliPath], { cwd: dir, stdio: 'ignore' });
  const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  // Long enough to be inside the endless loop (bundling takes ~0.1 s), short for a test.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  const signal = await ended;
  clearTimeout(timer);
  t.equal(signal, 'SIGINT', 'ended by the interrupt (not by the SIGKILL five seconds later)');
});

t.test('Ctrl-C gives every process of a task the polite signal first, not only its shell', async (t) => {
  // The child traps TERM and says so in a file: it hears TERM only if the whole group is signalled.
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('svc', { run: 'sh -c "trap \\\\"echo polite > heard-term; exit 0\\\\" TERM; echo \\\\$\\\\$ > child.pid; while :; do sleep 0.1; done" & wait' });
export default p;
`,
  });
  let child: ChildProcess | undefined;
  const running = runCli(['svc', '--grace', '5'], { cwd: dir, onSpawn: (c) => (child = c) });
  const pid = await pidWritten(t, dir, 'child.pid');
  child!.kill('SIGINT');
  const result = await running;
  t.equal(result.code, 130);
  t.ok(existsSync(path.join(dir, 'heard-term')), 'the child that traps TERM heard it, and cleaned up');
  t.notOk(isAlive(pid));
});

t.test('stagerun killed with SIGKILL: the watchdog escalates to SIGKILL for a task that ignores SIGTERM', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('stubborn', { run: "trap '' TERM; echo $$ > stubborn.pid; while :; do sleep 0.1; done" });
export default p;
`,
  });
  let child: ChildProcess | undefined;
  const running = runCli(['stubborn', '--grace', '1'], { cwd: dir, onSpawn: (c) => (child = c) });
  const pid = await pidWritten(t, dir, 'stubborn.pid');
  child!.kill('SIGKILL');
  await running;
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.ok(isAlive(pid), 'SIGTERM alone does not end it');
  await waitFor(() => !isAlive(pid), 6000, 'the stubborn task to be killed').catch(() => {});
  t.notOk(isAlive(pid), 'after the grace period, SIGKILL does');
});

/** stagerun started as a terminal starts it: the leader of its own process group, without the test runner's hooks. */
function inItsOwnGroup(dir: string, args: string[]) {
  const child = spawn('/bin/sh', ['-c', 'unset NODE_OPTIONS; exec "$0" "$@"', process.execPath, cliPath, ...args], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, ended, ctrlC: () => process.kill(-child.pid!, 'SIGINT') };
}

/** Live loop guards of the stagerun with this pid (their command line names it). */
function guardsOf(pid: number): string[] {
  return readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    let line: string[];
    try {
      line = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
    } catch {
      return false; // it ended while the list was read
    }
    return line.includes('stagerun-loop-guard') && line.includes(String(pid)) && isAlive(Number(entry));
  });
}

const politeTask =
  "p.task('svc', { run: 'trap \"echo polite > heard-term; exit 0\" TERM; echo $$ > svc.pid; while :; do echo tick; sleep 0.1; done' });";

t.test('Ctrl-C while a function task blocks the event loop: tasks stopped politely, then stagerun, after the grace period', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
${politeTask}
// Blocks the event loop for good, as \`while (true) {}\` would, but without taking a core from the other tests.
p.task('spin', { run: async () => { await new Promise((r) => setTimeout(r, 200)); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); } });
p.task('all', { deps: ['svc', 'spin'] });
p.default('all');
export default p;
`,
  });
  const run = inItsOwnGroup(dir, ['-j2', '--grace', '1']);
  const svc = await pidWritten(t, dir, 'svc.pid');
  await new Promise((resolve) => setTimeout(resolve, 500)); // inside the endless loop
  t.ok(guardsOf(run.child.pid!).length > 0, 'a run with function tasks has its loop guard (a shell and its reader)');
  const started = Date.now();
  run.ctrlC();
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
  const ended = await run.ended;
  clearTimeout(timer);
  const seconds = (Date.now() - started) / 1000;
  t.equal(ended.signal, 'SIGKILL', 'ended by the guard, as a process that ignores SIGTERM');
  t.ok(seconds >= 1.9 && seconds < 8, `after the grace period twice (loop, then tasks): ${seconds.toFixed(1)} s`);
  t.match(ended.stderr, 'a function task keeps the event loop busy');
  t.ok(existsSync(path.join(dir, 'heard-term')), 'the task heard SIGTERM while its output pipe was still open');
  await waitFor(() => !isAlive(svc), 5000, 'the task to end').catch(() => {});
  t.notOk(isAlive(svc), 'no task process is left');
  t.same(guardsOf(run.child.pid!), [], 'nor the guard');
});

t.test('with function tasks that let the loop turn, Ctrl-C stops the run as usual (130) and the guard goes with it', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
${politeTask}
p.task('wait', { run: ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve)) });
p.task('all', { deps: ['svc', 'wait'] });
p.default('all');
export default p;
`,
  });
  const run = inItsOwnGroup(dir, ['-j2', '--grace', '1']);
  await pidWritten(t, dir, 'svc.pid');
  run.ctrlC();
  const ended = await run.ended;
  t.equal(ended.code, 130, ended.stderr);
  t.notMatch(ended.stderr, 'event loop busy');
  t.ok(existsSync(path.join(dir, 'heard-term')));
  await waitFor(() => guardsOf(run.child.pid!).length === 0, 3000, 'the guard to end').catch(() => {});
  t.same(guardsOf(run.child.pid!), [], 'the guard ends with the run');
});
