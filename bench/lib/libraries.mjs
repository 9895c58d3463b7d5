// What the prescribed libraries cost, measured in-process so that nothing else is in the
// figure: execa against node:child_process per task process, and graphology's share of
// planning a large pipeline.
import { spawn } from 'node:child_process';
import { DirectedGraph } from 'graphology';
import { forEachNodeInTopologicalOrder } from 'graphology-dag';
import { createPlan, pipeline, validatePipeline } from '../../dist/engine.js';

const median = (samples) => [...samples].sort((a, b) => a - b)[samples.length >> 1];

/** Runs `count` processes, `concurrency` at once, each through `start` (resolving when it closes); ms per process. */
async function perProcess(start, count, concurrency) {
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await start();
    }),
  );
  return (performance.now() - began) / count;
}

/**
 * ms per `true` process at concurrency 2, as stagerun starts them (detached, stdin ignored,
 * stdout and stderr piped and read), through child_process.spawn and through execa with
 * stagerun's options; median of `runs` rounds, alternating.
 */
export async function processCost(runs, count = 500) {
  const { execa } = await import('execa');
  const env = { ...process.env };
  const viaSpawn = () =>
    new Promise((resolve) => {
      const child = spawn('true', [], { cwd: process.cwd(), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', () => {});
      child.on('close', resolve);
    });
  const viaExeca = () =>
    new Promise((resolve) => {
      const child = execa('true', [], {
        cwd: process.cwd(),
        env,
        extendEnv: false,
        preferLocal: true,
        localDir: process.cwd(),
        detached: true,
        stdin: 'ignore',
        buffer: false,
        reject: false,
      });
      child.stdout.on('data', () => {});
      child.on('close', resolve);
    });
  const spawnMs = [];
  const execaMs = [];
  for (let round = 0; round < runs; round++) {
    spawnMs.push(await perProcess(viaSpawn, count, 2));
    execaMs.push(await perProcess(viaExeca, count, 2));
  }
  return { count, spawnMs: median(spawnMs), execaMs: median(execaMs) };
}

/**
 * Planning `dag` in-process (validate and plan, as --dry-run does before printing), and the
 * part of it that is graphology's: building the DirectedGraph and graphology-dag's ordering.
 */
export function graphShare(dag, runs) {
  const p = pipeline();
  for (const task of dag.tasks) p.task(task.name, { run: ['true'], deps: task.deps });
  p.task('all', { deps: dag.tasks.map((task) => task.name) });
  const names = [...dag.tasks.map((task) => task.name), 'all'];
  const idOf = new Map(names.map((name, id) => [name, id]));
  const depIds = [...dag.tasks.map((task) => task.deps.map((dep) => idOf.get(dep))), dag.tasks.map((_, id) => id)];
  const planMs = [];
  const graphMs = [];
  // The graph on its own first, then whole plans: each measured apart, so that neither's garbage lands in the other's figure.
  for (let round = 0; round < runs; round++) {
    const started = performance.now();
    const graph = new DirectedGraph({ allowSelfLoops: true });
    for (let id = 0; id < depIds.length; id++) graph.addNode(id, { name: names[id] });
    let edge = 0;
    for (let id = 0; id < depIds.length; id++) for (const dep of depIds[id]) graph.addDirectedEdgeWithKey(edge++, dep, id);
    forEachNodeInTopologicalOrder(graph, () => {});
    graphMs.push(performance.now() - started);
  }
  for (let round = 0; round < runs; round++) {
    const started = performance.now();
    createPlan(validatePipeline(p), ['all']);
    planMs.push(performance.now() - started);
  }
  return { tasks: dag.tasks.length, planMs: median(planMs), graphMs: median(graphMs) };
}
