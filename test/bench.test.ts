// The benchmark's generators and its optimum search: checked here so that `npm run bench`
// does not rot between runs. (The figures themselves come from bench/, never from tests.)

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
// @ts-expect-error: plain .mjs modules without declarations
import { chainBehindFillers, generations, randomLayered, seed, unevenFanIn } from '../bench/lib/dags.mjs';
// @ts-expect-error: plain .mjs modules without declarations
import { project } from '../bench/lib/emit.mjs';
// @ts-expect-error: plain .mjs modules without declarations
import { bestSchedule } from '../bench/lib/optimum.mjs';
import { runMain } from './helpers/cli.js';

t.test('every tool gets the same graph', async (t) => {
  const root = mkdtempSync(path.join(tmpdir(), 'stagerun-bench-test-'));
  const dir = project(root, 'seed', seed());
  const make = readFileSync(path.join(dir, 'Makefile'), 'utf8');
  t.match(make, /^service_d: service_a service_b\n\t@sleep 1$/m);
  const staged = readFileSync(path.join(dir, 'Makefile.staged'), 'utf8');
  t.match(staged, /^stage1: service_a service_b service_f$/m, "the story's barrier stages");
  t.match(staged, /^stage2: service_d$/m);
  t.match(staged, /^stage3: service_c service_e$/m);
  t.match(readFileSync(path.join(dir, 'build.ninja'), 'utf8'), /^build service_d: run service_a service_b\n {2}cmd = sleep 1$/m);
  t.match(readFileSync(path.join(dir, 'justfile'), 'utf8'), /^\[parallel\]\nservice_d: service_a service_b\n {4}@sleep 1$/m);
  const plan = await runMain(['--dry-run', '-j2'], { cwd: dir });
  t.equal(plan.code, 0, plan.stderr);
  t.match(plan.stdout, /6 tasks in 3 stages/, "the story's three barrier stages: the goal deploy takes none of its own");
  t.match(plan.stdout, /service_d\n {6}deps: service_a, service_b\n {6}run: {2}sleep 1/);
});

t.test('random layered DAGs are the same every time', async (t) => {
  t.same(randomLayered(7), randomLayered(7));
  t.notSame(randomLayered(7), randomLayered(8));
  t.same(generations(seed()), [['service_a', 'service_b', 'service_f'], ['service_d'], ['service_c', 'service_e']]);
});

t.test('best schedule found: the bound where it is achievable, above it where not', async (t) => {
  t.same(bestSchedule(seed(), 2), { bestMs: 3000, exhaustive: true });
  t.same(bestSchedule(chainBehindFillers(), 2), { bestMs: 1600, exhaustive: true });
  // 8 builds and a release at -j2: the 1.2 s build cannot be balanced to the 1.575 s bound.
  t.same(bestSchedule(unevenFanIn(), 2), { bestMs: 1700, exhaustive: true });
  t.equal(bestSchedule(unevenFanIn(), 3).bestMs, 1400);
});
