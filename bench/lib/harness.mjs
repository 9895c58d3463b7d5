// Timing: each command's wall time, measured around the whole process, with tools
// alternating from round to round so that drift and warm caches hit every tool alike.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs once; returns wall ms, the exit code, and (with GNU time) the peak RSS in KB. */
export function measure({ command, args, cwd, memory, timeBinary }) {
  const argv = memory && timeBinary ? [timeBinary, ['-f', '%M', command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv[1], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const peakKb = memory && timeBinary ? Number(result.stderr.trim().split('\n').pop()) : undefined;
  return { ms, code: result.status, peakKb, stderr: result.status === 0 ? '' : result.stderr.slice(-2000) };
}

/**
 * Runs each candidate `runs` times, rotating the order every round. A candidate may name a
 * `report` file (stagerun's --report) to read its own makespan from.
 */
export function compareCandidates(candidates, runs, onRound) {
  const samples = new Map(candidates.map((candidate) => [candidate.id, { wall: [], makespan: [], peakKb: [], failures: 0, error: '' }]));
  for (let round = 0; round < runs; round++) {
    const order = candidates.map((_, i) => candidates[(i + round) % candidates.length]);
    for (const candidate of order) {
      const sample = samples.get(candidate.id);
      const result = measure(candidate);
      if (result.code !== 0) {
        sample.failures++;
        sample.error ||= result.stderr;
        continue;
      }
      sample.wall.push(result.ms);
      if (result.peakKb !== undefined) sample.peakKb.push(result.peakKb);
      if (candidate.report) {
        sample.makespan.push(JSON.parse(readFileSync(candidate.report, 'utf8')).makespanMs);
        rmSync(candidate.report, { force: true });
      }
    }
    onRound?.(round + 1);
  }
  return Object.fromEntries(
    [...samples].map(([id, sample]) => [
      id,
      {
        wallMs: median(sample.wall),
        makespanMs: sample.makespan.length ? median(sample.makespan) : undefined,
        peakKb: sample.peakKb.length ? median(sample.peakKb) : undefined,
        runs: sample.wall.length,
        failures: sample.failures,
        error: sample.error || undefined,
        samplesMs: sample.wall.map((ms) => Math.round(ms * 10) / 10),
      },
    ]),
  );
}
