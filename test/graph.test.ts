import { DirectedGraph } from 'graphology';
import { hasCycle, topologicalGenerations } from 'graphology-dag';
import t from 'tap';
import { CycleError } from '../lib/errors.js';
import { pipeline } from '../lib/model/model.js';
import { compileGraph } from '../lib/plan/graph.js';
import { createPlan, validatePipeline } from '../lib/plan/plan.js';

t.test("the plan's graph is a graphology graph that graphology's own tools read", async (t) => {
  const p = pipeline();
  p.task('a', { run: 'true' });
  p.task('b', { run: 'true' });
  p.task('d', { run: 'true', deps: ['a', 'b'] });
  p.task('c', { run: 'true', deps: ['d'] });
  const plan = createPlan(validatePipeline(p, '/repo'), ['c']);
  t.ok(plan.graph instanceof DirectedGraph);
  t.equal(plan.graph.order, 4);
  t.equal(plan.graph.size, 3);
  const name = (node: string) => plan.graph.getNodeAttribute(node, 'name');
  t.same(plan.graph.outNeighbors(String(plan.byName.get('a')!.id)).map(name), ['d'], 'edges point from a dependency to what needs it');
  t.notOk(hasCycle(plan.graph));
  t.same(
    topologicalGenerations(plan.graph).map((generation) => generation.map(name)),
    plan.stages.map((stage) => stage.map((task) => task.name)),
    "the plan's stages are graphology-dag's generations",
  );
});

t.test('a plan of part of the pipeline has a graph of that part only', async (t) => {
  const p = pipeline();
  p.task('a', { run: 'true' });
  p.task('b', { run: 'true', deps: ['a'] });
  p.task('other', { run: 'true' });
  const plan = createPlan(validatePipeline(p, '/repo'), ['b'], { noDeps: true });
  t.same(
    plan.graph.mapNodes((_node, attributes) => attributes.name),
    ['b'],
  );
  t.equal(plan.graph.size, 0);
});

t.test('stages: generations in the order graphology-dag visits them', async (t) => {
  // 0 and 1 have no deps; 2 needs 1; 3 needs 0 and 2; 4 needs 0.
  const { stages, cycle, dependentIds } = compileGraph(['t0', 't1', 't2', 't3', 't4'], [[], [], [1], [0, 2], [0]]);
  t.same(stages, [[0, 1], [4, 2], [3]]);
  t.same(dependentIds, [[3, 4], [2], [3], [], []]);
  t.equal(cycle, undefined);
});

t.test('a cycle is found behind a long chain without overflowing the stack', async (t) => {
  const count = 50_000;
  const names = Array.from({ length: count }, (_, id) => `t${id}`);
  // Each task needs the next; the last needs the one before it: a cycle at the far end.
  const depIds = names.map((_, id) => (id + 1 < count ? [id + 1] : [count - 2]));
  const { cycle, stages } = compileGraph(names, depIds);
  t.same(cycle, [`t${count - 2}`, `t${count - 1}`, `t${count - 2}`]);
  t.same(stages, []);
});

t.test('a cycle off to the side of a task that is fine is reported, with every task of it', async (t) => {
  const p = pipeline();
  p.task('z', { run: 'true', deps: ['a'] });
  p.task('a', { run: 'true', deps: ['b'] });
  p.task('b', { run: 'true', deps: ['a'] });
  const error = t.throws(() => validatePipeline(p, '/repo')) as CycleError;
  t.type(error, CycleError);
  t.same(error.cycle, ['a', 'b', 'a'], 'the path starts where the cycle does, not at the task behind it');
});

t.test('a goal takes no stage of its own: it is in the stage of the last of what it groups', async (t) => {
  const p = pipeline();
  p.task('a', { run: 'true' });
  p.task('b', { run: 'true' });
  p.task('ab', { deps: ['a', 'b'] });
  p.task('c', { run: 'true', deps: ['ab'] });
  p.task('all', { deps: ['c'] });
  const plan = createPlan(validatePipeline(p, '/repo'), ['all']);
  t.same(
    plan.stages.map((stage) => stage.map((task) => task.name)),
    [
      ['a', 'b', 'ab'],
      ['c', 'all'],
    ],
  );
  t.same(
    plan.order.map((task) => task.name),
    ['a', 'b', 'ab', 'c', 'all'],
    'and every task comes after what it needs in plan.order',
  );
});
