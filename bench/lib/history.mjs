// A large history, as a busy pipeline accumulates it: `runs` records of an n-task pipeline,
// written the way stagerun writes them (one JSON report per line).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline, simulate } from '../../dist/engine.js';

export function writeLargeHistory(dir, tasks, runs) {
  const p = pipeline({ root: dir });
  for (let i = 0; i < tasks; i++) p.task(`t${i}`, { run: ['true'] });
  const durations = Object.fromEntries(Array.from({ length: tasks }, (_, i) => [`t${i}`, 5 + (i % 7)]));
  const targets = Array.from({ length: tasks }, (_, i) => `t${i}`);
  const lines = [];
  for (let i = 0; i < runs; i++) {
    const report = simulate(p, { targets, jobs: 2, durations });
    lines.push(JSON.stringify({ ...report, simulated: false, deployfile: path.join(dir, 'deployfile.ts') }));
  }
  mkdirSync(path.join(dir, '.stagerun'), { recursive: true });
  const file = path.join(dir, '.stagerun/history.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
