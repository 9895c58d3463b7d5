// The loop guard, in-process: it stands by while the event loop turns, and ends its target
// (here a stand-in process, not the test) when an interrupt finds the loop blocked.
import { spawn } from 'node:child_process';
import t from 'tap';
import { startLoopGuard } from '../../cli/loop-guard.js';
import { loadExeca } from '../../lib/executors/execa.js';
import { isAlive, waitFor } from '../helpers/cli.js';
import type { Tap } from '../helpers/tap.js';

function standIn() {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return { pid: child.pid!, ended, kill: () => child.kill('SIGKILL') };
}

/** A guard of a stand-in target, started and interrupted (as a Ctrl-C reaches it). */
async function interruptedGuard(t: Tap) {
  const target = standIn();
  t.teardown(target.kill);
  const guard = startLoopGuard(await loadExeca(), 1000, target.pid);
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.kill(guard.pid!, 'SIGINT');
  return { target, guard };
}

t.test('an interrupt while the loop turns: the guard only watches, and ends with the run', async (t) => {
  const { target, guard } = await interruptedGuard(t);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // past the grace period, heartbeats flowing
  t.ok(isAlive(target.pid), 'the target lives on');
  guard.end();
  await waitFor(() => !isAlive(guard.pid!), 3000, 'the guard to end');
  t.notOk(isAlive(guard.pid!), 'the guard ends when its pipe closes');
});

t.test('an interrupt while the loop is blocked: the target is ended after the grace period', async (t) => {
  const { target, guard } = await interruptedGuard(t);
  // A function task's synchronous work, without the CPU it would take from the other tests: no heartbeat.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1800);
  t.equal(await target.ended, 'SIGKILL', 'the target was ended by SIGKILL');
  guard.end();
});
