// The workloads' graphs, as data: { name, tasks: [{ name, deps, seconds | command }] }.
// Every tool gets the same graph, written in its own language (emit.mjs).

/** Deterministic pseudo-random numbers (mulberry32), so that "random" DAGs are the same every run. */
export function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The story's six services: D needs A and B; C and E need D; F needs nothing. 1 s each. */
export function seed() {
  const t = (name, deps = []) => ({ name, deps, seconds: 1 });
  return {
    name: 'seed services A–F (1 s each)',
    tasks: [
      t('service_a'),
      t('service_b'),
      t('service_d', ['service_a', 'service_b']),
      t('service_c', ['service_d']),
      t('service_e', ['service_d']),
      t('service_f'),
    ],
  };
}

/**
 * Short independent tasks declared before a long chain: a scheduler that goes by
 * declaration order (FIFO) starts the chain late; critical-path priority starts it first.
 */
export function chainBehindFillers() {
  const tasks = [];
  for (let i = 1; i <= 4; i++) tasks.push({ name: `lint_${i}`, deps: [], seconds: 0.4 });
  for (let i = 1; i <= 4; i++) tasks.push({ name: `step_${i}`, deps: i > 1 ? [`step_${i - 1}`] : [], seconds: 0.4 });
  return { name: 'chain of 4 behind 4 fillers (0.4 s each)', tasks };
}

/** Uneven builds feeding one release: the long build must start first. */
export function unevenFanIn() {
  const seconds = [0.2, 0.3, 0.25, 0.2, 1.2, 0.35, 0.15, 0.3];
  const tasks = seconds.map((s, i) => ({ name: `build_${i + 1}`, deps: [], seconds: s }));
  tasks.push({ name: 'release', deps: tasks.map((task) => task.name), seconds: 0.2 });
  return { name: 'uneven fan-in (8 builds 0.15–1.2 s, then a release)', tasks };
}

/** Layers of tasks, each needing 1–3 tasks of the layer before; durations 0.05–0.3 s. */
export function randomLayered(seedValue, layers = 5, width = 6) {
  const next = random(seedValue);
  const tasks = [];
  let previous = [];
  for (let layer = 0; layer < layers; layer++) {
    const current = [];
    for (let i = 0; i < width; i++) {
      const name = `l${layer}_${i}`;
      const deps = new Set();
      if (previous.length > 0) {
        const count = 1 + Math.floor(next() * 3);
        for (let k = 0; k < count; k++) deps.add(previous[Math.floor(next() * previous.length)]);
      }
      tasks.push({ name, deps: [...deps], seconds: Math.round((0.05 + next() * 0.25) * 100) / 100 });
      current.push(name);
    }
    previous = current;
  }
  return { name: `random layered DAG (seed ${seedValue}, ${layers}×${width}, 0.05–0.3 s)`, tasks };
}

/** n independent no-op tasks. */
export function independent(n) {
  return { name: `${n} independent \`true\``, tasks: Array.from({ length: n }, (_, i) => ({ name: `t${i}`, deps: [], command: 'true' })) };
}

/** A chain of n no-op tasks. */
export function chain(n) {
  return {
    name: `chain of ${n} \`true\``,
    tasks: Array.from({ length: n }, (_, i) => ({ name: `t${i}`, deps: i > 0 ? [`t${i - 1}`] : [], command: 'true' })),
  };
}

/** ~n tasks with ~3n edges: each task needs up to 3 of the 1,000 before it. */
export function large(n) {
  const next = random(20261124);
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const deps = new Set();
    if (i > 0) for (let k = 0; k < 3; k++) deps.add(`t${i - 1 - Math.floor(next() * Math.min(i, 1000))}`);
    tasks.push({ name: `t${i}`, deps: [...deps], command: 'true' });
  }
  return { name: `${n.toLocaleString('en')} tasks`, tasks };
}

export function edgeCount(dag) {
  return dag.tasks.reduce((sum, task) => sum + task.deps.length, 0);
}

/** Topological generations (stage k needs something of stage k-1): for the staged Makefile. */
export function generations(dag) {
  const level = new Map();
  const byName = new Map(dag.tasks.map((task) => [task.name, task]));
  const visit = (name) => {
    if (level.has(name)) return level.get(name);
    const task = byName.get(name);
    const value = task.deps.length === 0 ? 0 : 1 + Math.max(...task.deps.map(visit));
    level.set(name, value);
    return value;
  };
  const stages = [];
  for (const task of dag.tasks) {
    const level = visit(task.name);
    stages[level] ??= [];
    stages[level].push(task.name);
  }
  return stages;
}
