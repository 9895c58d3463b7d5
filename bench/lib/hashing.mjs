// The hashing workload: a project whose one task has 10,000 input files.
import { mkdirSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkFreshness, keysFile, loadDeployfile, readKeys, toPlan } from '../../dist/engine.js';

const repo = path.resolve(new URL('../..', import.meta.url).pathname);

/** `count` files of `size` bytes in 100 directories, a deployfile whose task `t` takes them as inputs, and files.list. */
export function writeHashingProject(dir, count, size) {
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repo, path.join(dir, 'node_modules/stagerun'), 'dir');
  writeFileSync(
    path.join(dir, 'deployfile.ts'),
    "import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('t', { run: 'true', inputs: ['files/**'] });\nexport default p;\n",
  );
  const list = [];
  for (let i = 0; i < count; i++) {
    const name = `files/d${i % 100}/f${i}.txt`;
    mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    writeFileSync(path.join(dir, name), `${i}`.padEnd(size, '.'));
    // Written an hour ago, as a checkout's files are: not within the moment keys are recorded.
    utimesSync(path.join(dir, name), Date.now() / 1000 - 3600, Date.now() / 1000 - 3600);
    list.push(name);
  }
  writeFileSync(path.join(dir, 'files.list'), `${list.join('\n')}\n`);
  return list;
}

/** A project whose one task `t` has one input of `bytes` bytes, sparse (big.img). */
export function writeLargeInputProject(dir, bytes) {
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(repo, path.join(dir, 'node_modules/stagerun'), 'dir');
  writeFileSync(
    path.join(dir, 'deployfile.ts'),
    "import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('t', { run: 'true', inputs: ['big.img'] });\nexport default p;\n",
  );
  writeFileSync(path.join(dir, 'big.img'), '');
  truncateSync(path.join(dir, 'big.img'), bytes);
}

/** Median ms of computing the keys in-process (no start-up, no deployfile load): the hashing itself. */
export async function keysInProcess(dir, runs) {
  const file = path.join(dir, 'deployfile.ts');
  const plan = toPlan(await loadDeployfile(file), ['t']);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await checkFreshness(plan, { env: process.env, recorded: readKeys(keysFile(file)) });
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}
