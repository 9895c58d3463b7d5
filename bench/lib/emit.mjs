// Writes one DAG for each tool: a Makefile (dependency-driven, and staged with barriers as
// in the story), build.ninja, a justfile, and a stagerun deployfile.ts (or, for the large
// graph, a deployfile.mjs that reads graph.json).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generations } from './dags.mjs';

const commandOf = (task) => task.command ?? `sleep ${task.seconds}`;
const argvOf = (task) => commandOf(task).split(' ');

export function writeMakefile(dir, dag) {
  const names = dag.tasks.map((task) => task.name);
  const lines = [`.PHONY: all ${names.join(' ')}`, `all: ${names.join(' ')}`];
  for (const task of dag.tasks) lines.push(`${task.name}:${task.deps.map((dep) => ` ${dep}`).join('')}`, `\t@${commandOf(task)}`);
  writeFileSync(path.join(dir, 'Makefile'), `${lines.join('\n')}\n`);
}

/** The story's Makefile: stage k+1 starts only when all of stage k is done. */
export function writeStagedMakefile(dir, dag) {
  const stages = generations(dag);
  const byName = new Map(dag.tasks.map((task) => [task.name, task]));
  const lines = [`.PHONY: all ${stages.map((_, i) => `stage${i + 1}`).join(' ')} ${dag.tasks.map((task) => task.name).join(' ')}`, 'all:'];
  for (let i = 0; i < stages.length; i++) lines.push(`\t@$(MAKE) -s -f Makefile.staged stage${i + 1}`);
  for (const [i, stage] of stages.entries()) lines.push(`stage${i + 1}: ${stage.join(' ')}`);
  // Inside a stage the recipes have no prerequisites: the barrier is the ordering.
  for (const name of stages.flat()) lines.push(`${name}:`, `\t@${commandOf(byName.get(name))}`);
  writeFileSync(path.join(dir, 'Makefile.staged'), `${lines.join('\n')}\n`);
}

export function writeNinja(dir, dag) {
  const lines = ['rule run', '  command = $cmd', ''];
  for (const task of dag.tasks)
    lines.push(`build ${task.name}: run${task.deps.map((dep) => ` ${dep}`).join('')}`, `  cmd = ${commandOf(task)}`);
  lines.push(`build all: phony ${dag.tasks.map((task) => task.name).join(' ')}`, 'default all');
  writeFileSync(path.join(dir, 'build.ninja'), `${lines.join('\n')}\n`);
}

/** just runs a recipe's dependencies in parallel only with [parallel], bounded by --jobs. */
export function writeJustfile(dir, dag) {
  const lines = ['[parallel]', `all: ${dag.tasks.map((task) => task.name).join(' ')}`, ''];
  for (const task of dag.tasks) {
    if (task.deps.length > 1) lines.push('[parallel]');
    lines.push(`${task.name}:${task.deps.map((dep) => ` ${dep}`).join('')}`, `    @${commandOf(task)}`, '');
  }
  writeFileSync(path.join(dir, 'justfile'), `${lines.join('\n')}\n`);
}

export function writeDeployfile(dir, dag) {
  const lines = ["import { pipeline } from 'stagerun';", '', 'const p = pipeline();'];
  for (const task of dag.tasks) {
    const deps = task.deps.length > 0 ? `, deps: ${JSON.stringify(task.deps)}` : '';
    lines.push(`p.task(${JSON.stringify(task.name)}, { run: ${JSON.stringify(argvOf(task))}${deps} });`);
  }
  lines.push(`p.task('all', { deps: ${JSON.stringify(dag.tasks.map((task) => task.name))} });`, "p.default('all');", 'export default p;');
  writeFileSync(path.join(dir, 'deployfile.ts'), `${lines.join('\n')}\n`);
}

/**
 * For 100,000 tasks, two deployfiles declaring the same graph: deployfile.mjs reads the
 * names from graph.json; deployfile.ts computes them in TypeScript from task numbers, as a
 * deployfile that generates its tasks would.
 */
export function writeLargeDeployfile(dir, dag) {
  writeFileSync(path.join(dir, 'graph.json'), JSON.stringify(dag.tasks.map((task) => [task.name, task.deps])));
  writeFileSync(
    path.join(dir, 'deployfile.mjs'),
    `import { readFileSync } from 'node:fs';
import { pipeline } from 'stagerun';
const graph = JSON.parse(readFileSync(new URL('./graph.json', import.meta.url), 'utf8'));
const p = pipeline();
for (const [name, deps] of graph) p.task(name, { run: ['true'], deps });
p.task('all', { deps: graph.map(([name]) => name) });
p.default('all');
export default p;
`,
  );
  const number = (name) => Number(name.slice(1));
  writeFileSync(path.join(dir, 'graph-numbers.json'), JSON.stringify(dag.tasks.map((task) => task.deps.map(number))));
  writeFileSync(
    path.join(dir, 'deployfile.ts'),
    `import { readFileSync } from 'node:fs';
import { pipeline } from 'stagerun';
const graph: number[][] = JSON.parse(readFileSync(new URL('./graph-numbers.json', import.meta.url), 'utf8'));
const p = pipeline();
graph.forEach((deps, i) => p.task(\`t\${i}\`, { run: ['true'], deps: deps.map((d) => 't' + d) }));
p.task('all', { deps: graph.map((_, i) => \`t\${i}\`) });
p.default('all');
export default p;
`,
  );
}

/** A project directory holding every tool's file, with node_modules/stagerun → this repository. */
export function project(root, name, dag, { large = false } = {}) {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(path.resolve(new URL('../..', import.meta.url).pathname), path.join(dir, 'node_modules/stagerun'), 'dir');
  writeMakefile(dir, dag);
  writeNinja(dir, dag);
  if (large) {
    writeLargeDeployfile(dir, dag);
  } else {
    writeStagedMakefile(dir, dag);
    writeJustfile(dir, dag);
    writeDeployfile(dir, dag);
  }
  return dir;
}
