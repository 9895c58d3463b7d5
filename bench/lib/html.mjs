// What `report --format html` costs: the page of a simulated run of a layered pipeline
// (each task needs up to two of the layer before, and a goal needs them all), drawn in-process, at sizes around the
// point (400 tasks) where dagre's ordering gives way to declaration order.
import { pipeline, renderHtmlReport, simulate } from '../../dist/engine.js';
import { median } from './harness.mjs';

/** `count` tasks in all: `count - 1` commands and the goal. */
function layered(count) {
  const p = pipeline();
  count -= 1;
  const width = Math.ceil(Math.sqrt(count));
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / width);
    const deps = layer === 0 ? [] : [...new Set([(layer - 1) * width + (i % width), (layer - 1) * width + ((i * 7) % width)])];
    p.task(`t${i}`, { run: 'true', deps: deps.map((dep) => `t${dep}`) });
  }
  p.task('all', { deps: Array.from({ length: count }, (_, i) => `t${i}`) });
  p.default('all');
  const durations = Object.fromEntries(Array.from({ length: count }, (_, i) => [`t${i}`, 100 + (i % 7) * 50]));
  return simulate(p, { jobs: 4, durations });
}

/** Per size: the page's median time to draw (ms) and its size (bytes). */
export function htmlCost(runs, sizes = [15, 100, 200, 399, 401, 2000]) {
  return sizes.map((tasks) => {
    const report = layered(tasks);
    let bytes = 0;
    const samples = Array.from({ length: runs }, () => {
      const started = performance.now();
      bytes = Buffer.byteLength(renderHtmlReport(report));
      return performance.now() - started;
    });
    return { tasks, ms: median(samples), bytes, perTaskBytes: bytes / tasks };
  });
}
