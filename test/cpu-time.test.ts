// CPU time of task processes, from the kernel's count of reaped children (Linux /proc).
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { CpuMeter, childrenCpuMs } from '../lib/executors/process-group.js';

/** Computes until it has used `ms` of CPU time, however loaded the machine is. */
const spin = (ms: number) =>
  spawnSync(process.execPath, [
    '-e',
    `const start = process.cpuUsage(); for (;;) { const u = process.cpuUsage(start); if (u.user + u.system >= ${ms * 1000}) break; }`,
  ]);
const nap = (seconds: number) => spawnSync('sleep', [String(seconds)]);

t.test('the CPU time of reaped children, where /proc says', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  const before = childrenCpuMs()!;
  spin(300);
  const after = childrenCpuMs()!;
  t.ok(after - before >= 250, `a 300 ms busy loop: ${after - before} ms`);
});

t.test('CpuMeter gives each exit what was used since the one before', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  const meter = new CpuMeter();
  meter.started();
  meter.started();
  spin(300);
  const busy = meter.exited()!;
  nap(0.3);
  const idle = meter.exited()!;
  t.ok(busy >= 250, `busy: ${busy} ms`);
  t.ok(idle < 50, `sleep: ${idle} ms`);
  spin(100);
  meter.started();
  t.ok(meter.exited()! < 50, 'what ran while nothing was metered is not put down to the next attempt');
});
