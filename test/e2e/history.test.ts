// History under what needs real processes: a run killed with SIGKILL, and runs at the same time.

import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { runCli, tempProject, waitFor } from '../helpers/cli.js';
import { deployfile, historyOf, read } from '../helpers/history-project.js';

t.test('kill -9 in the middle of a run leaves history whole', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  await runCli(['-j2'], { cwd: dir });
  await runCli(['-j2'], { cwd: dir });
  const before = readFileSync(historyOf(dir), 'utf8');
  let child: ChildProcess | undefined;
  const running = runCli(['slow', 'ci', '-j3'], { cwd: dir, onSpawn: (c) => (child = c) });
  const pidFile = path.join(dir, 'slow.pid');
  await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 15_000, 'the slow task');
  child!.kill('SIGKILL');
  const result = await running;
  t.equal(result.signal, 'SIGKILL');
  // The watchdog ends the orphaned task's group after the grace period; do not wait for it.
  try {
    process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
  t.equal(readFileSync(historyOf(dir), 'utf8'), before, 'history is exactly as before');
  t.equal((await runCli(['-j2'], { cwd: dir })).code, 0);
  const { runs, warnings } = read(dir);
  t.same(warnings, []);
  t.equal(runs.length, 3);
});

t.test('two runs at once both land, and every line stays whole', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const results = await Promise.all([runCli(['-j2'], { cwd: dir }), runCli(['-j1'], { cwd: dir }), runCli(['-j3'], { cwd: dir })]);
  t.same(
    results.map((result) => result.code),
    [0, 0, 0],
  );
  const { runs, warnings } = read(dir);
  t.same(warnings, []);
  t.same(runs.map((run) => run.jobs).sort(), [1, 2, 3]);
});
