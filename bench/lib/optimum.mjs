// The best schedule we can find for a small DAG, to tell whether the lower bound
// max(critical path, work / N) is achievable at all. Independent of stagerun's scheduler:
// its own list-scheduling simulator, tried with every priority order for up to 9 tasks
// and with thousands of random orders (plus longest-first orders) above that.
import { random } from './dags.mjs';

/** Makespan of non-delay list scheduling with the given priority rank per task. */
function listSchedule(tasks, jobs, rank) {
  const n = tasks.length;
  const index = new Map(tasks.map((task, i) => [task.name, i]));
  const waiting = tasks.map((task) => task.deps.length);
  const dependents = tasks.map(() => []);
  for (const [i, task] of tasks.entries()) for (const dep of task.deps) dependents[index.get(dep)].push(i);
  const ready = [];
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
  const running = []; // [end, i]
  let now = 0;
  let done = 0;
  while (done < n) {
    ready.sort((a, b) => rank[a] - rank[b]);
    while (running.length < jobs && ready.length > 0) {
      const i = ready.shift();
      running.push([now + tasks[i].seconds, i]);
    }
    running.sort((a, b) => a[0] - b[0]);
    now = running[0][0];
    while (running.length > 0 && running[0][0] <= now + 1e-9) {
      const [, i] = running.shift();
      done++;
      for (const d of dependents[i]) if (--waiting[d] === 0) ready.push(d);
    }
  }
  return now;
}

function* permutations(items) {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i], ...tail];
  }
}

/** Best makespan found (seconds), and whether the search was exhaustive over priority orders. */
export function bestSchedule(dag, jobs) {
  const tasks = dag.tasks.map((task) => ({ ...task, seconds: task.seconds ?? 0 }));
  const n = tasks.length;
  let best = Infinity;
  const tryRank = (order) => {
    const rank = new Array(n);
    for (const [position, task] of order.entries()) rank[task] = position;
    best = Math.min(best, listSchedule(tasks, jobs, rank));
  };
  const ids = tasks.map((_, i) => i);
  if (n <= 9) {
    for (const order of permutations(ids)) tryRank(order);
    return { bestMs: Math.round(best * 10000) / 10, exhaustive: true };
  }
  tryRank([...ids].sort((a, b) => tasks[b].seconds - tasks[a].seconds));
  const next = random(n * 7919 + jobs);
  for (let attempt = 0; attempt < 5000; attempt++) {
    const order = [...ids];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    tryRank(order);
  }
  return { bestMs: Math.round(best * 10000) / 10, exhaustive: false };
}
