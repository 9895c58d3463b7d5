import t from 'tap';
import {
  CycleError,
  type DeployfileErrors,
  DuplicateTaskError,
  InvalidTaskError,
  NoTargetError,
  UnknownDependencyError,
  UnknownTargetError,
} from '../lib/errors.js';
import { describeCommand, pipeline, service } from '../lib/model/model.js';
import { TASK_OPTION_NAMES } from '../lib/model/options.js';
import { createPlan, validatePipeline } from '../lib/plan/plan.js';

const resolve = (p: ReturnType<typeof pipeline>) => validatePipeline(p, '/repo');

t.test('deps take handles and names; a service handle means all its tasks', async (t) => {
  const p = pipeline();
  const a = p.task('a', { run: 'true' });
  const web = p.service('web');
  web.task('build', { run: 'true' });
  web.task('deploy', { run: 'true', deps: ['build', a] });
  p.task('all', { deps: [web, 'a'] });
  const resolved = resolve(p);
  t.same(resolved.byName.get('web:deploy')!.deps, ['web:build', 'a'], "a plain name in a service means the service's own task first");
  t.same(resolved.byName.get('all')!.deps, ['web:build', 'web:deploy', 'a']);
  t.equal(resolved.byName.get('web:deploy')!.cwd, '/repo/web', "service tasks run in the service's directory");
  t.equal(resolved.byName.get('a')!.cwd, '/repo');
});

t.test('service-level ordering expands into task dependencies', async (t) => {
  const p = pipeline();
  const a = p.service('a');
  a.task('build', { run: 'true' });
  a.task('deploy', { run: 'true' });
  const b = p.service('b', { dir: 'services/b' });
  b.task('deploy', { run: 'true' });
  const d = service('d', { after: [a] }).after('b');
  d.task('build', { run: 'true' });
  d.task('deploy', { run: 'true', deps: ['build'] });
  d.task('smoke', { run: 'true', deps: ['deploy'] });
  p.add(d);
  const resolved = resolve(p);
  t.same(resolved.byName.get('d:deploy')!.deps, ['d:build', 'a:deploy', 'b:deploy'], "D's deploy comes after A's and B's");
  t.same(resolved.byName.get('d:build')!.deps, ['a:build'], "and its build after A's build (B has none)");
  t.same(resolved.byName.get('d:smoke')!.deps, ['d:deploy'], 'no counterpart, no extra dependency');
  t.equal(resolved.byName.get('b:deploy')!.cwd, '/repo/services/b');
});

t.test('task-level after', async (t) => {
  const p = pipeline();
  const a = p.service('a');
  a.task('deploy', { run: 'true' });
  const d = p.service('d');
  d.task('build', { run: 'true' });
  d.task('deploy', { run: 'true', after: [a] });
  const resolved = resolve(p);
  t.same(resolved.byName.get('d:deploy')!.deps, ['a:deploy']);
  t.same(resolved.byName.get('d:build')!.deps, []);
});

t.test('cwd and env compose from pipeline, service and task', async (t) => {
  const p = pipeline({ env: { STAGE: 'prod', DROP: 'x' } });
  const s = p.service('api', { env: { SERVICE: 'api' } });
  s.task('deploy', { run: 'true', cwd: 'infra', env: { DROP: undefined, TASK: '1' } });
  const task = resolve(p).byName.get('api:deploy')!;
  t.equal(task.cwd, '/repo/api/infra');
  t.same(task.env, { STAGE: 'prod', DROP: undefined, SERVICE: 'api', TASK: '1' });
});

t.test('declaration order is the order things are added to the pipeline', async (t) => {
  const early = service('early');
  early.task('x', { run: 'true' });
  const p = pipeline();
  p.task('first', { run: 'true' });
  p.add(early);
  p.task('last', { run: 'true' });
  t.same(
    resolve(p).tasks.map((task) => task.name),
    ['first', 'early:x', 'last'],
  );
});

t.test('bad options are reported when the pipeline is checked, with the task, option, value and line', async (t) => {
  const cases: [(p: ReturnType<typeof pipeline>) => unknown, RegExp][] = [
    [(p) => p.task('a', { dep: ['b'] } as never), /task 'a': option 'dep' is not an option \(did you mean 'deps'\?\)/],
    [
      (p) => p.task('a', { run: 42 } as never),
      /task 'a': run must be a shell command string, a non-empty argv array of strings, or a function \(got 42\)/,
    ],
    [(p) => p.task('a', { run: [] as never }), /task 'a': run must be .* \(got an array \[\]\)/],
    [(p) => p.task('a', { run: '  ' }), /task 'a': run is an empty command/],
    [(p) => p.task('a', { deps: 'b' as never }), /task 'a': deps must be an array/],
    [(p) => p.task('a', { deps: [42 as never] }), /task 'a': deps must hold task handles/],
    [(p) => p.task('a', { env: { X: 1 as never } }), /task 'a': env.X must be a string/],
    [(p) => p.task('a', { after: ['x'] }), /task 'a': after is for a service's tasks/],
    [(p) => p.task('has space', {}), /task name must be ASCII letters/],
    [(p) => p.add(service('s').after()).service('t').task('x:y', {}), /no ':' in a service's task names/],
    [(p) => p.service('t', { directory: 'x' } as never), /^service 't': option 'directory' is not an option/],
    [(p) => p.service('t', (() => {}) as never), /^service 't': options must be an object like \{ dir, after \} \(got a function\)/],
    [(p) => p.service('has space'), /^service 'has space': service name must be ASCII letters/],
    [(p) => p.add('x' as never), /^pipeline: add\(\) takes services created with service\(\)/],
    [
      (p) => p.task('a', { timeout: '5 minutes' as never }),
      /task 'a': timeout must be a duration such as '58s', '15m', '250ms', '1h', or a number of milliseconds \(got "5 minutes"\)/,
    ],
    [(p) => p.task('a', { retries: -1 }), /task 'a': retries must be a whole number of at least 0 \(got -1\)/],
    [(p) => p.task('a', { okExitCodes: [256] }), /task 'a': okExitCodes must be a non-empty array of exit codes/],
    [(p) => p.task('a', { timeout: '0s' }), /task 'a': timeout must be more than 0 \(leave timeout out for no limit\) \(got "0s"\)/],
  ];
  for (const [declare, message] of cases) {
    const p = pipeline();
    t.doesNotThrow(() => declare(p), 'declaring never throws');
    const error = t.throws(() => resolve(p), InvalidTaskError) as InvalidTaskError;
    t.match(error.message, message);
    t.match(error.location?.file, /test\/model\.test\.ts$/, `${message}: the line that made it`);
  }
});

t.test('every mistake in one pass, each at its line', async (t) => {
  const p = pipeline();
  p.task('a', { run: 'true', dep: ['b'] } as never);
  p.task('b', { run: 'true', deps: ['nope'] });
  p.task('b', { run: 'true' });
  p.task('c', { run: 'true', retries: 'twice' as never });
  const error = t.throws(() => resolve(p)) as DeployfileErrors;
  t.equal(error.code, 'E_DEPLOYFILE');
  t.equal(error.message, '4 mistakes in the deployfile');
  t.same(
    error.problems.map((problem) => problem.message.replace(/ \(got .*$/, '')),
    [
      `task 'a': option 'dep' is not an option (did you mean 'deps'?); options are ${TASK_OPTION_NAMES.join(', ')}`,
      "task 'b' depends on 'nope', which is not a task or service",
      "task 'b' is declared twice; task names must be unique",
      "task 'c': retries must be a whole number of at least 0",
    ],
  );
  const lines = error.problems.map((problem) => problem.location?.line);
  t.ok(
    lines.every((line) => typeof line === 'number'),
    'each names its line',
  );
  t.equal(new Set(lines).size, 4, 'each its own line');
});

t.test('duplicate names', async (t) => {
  const p = pipeline();
  p.task('a', { run: 'true' });
  p.task('a', { run: 'true' });
  t.throws(() => resolve(p), { message: "task 'a' is declared twice; task names must be unique" });
  const q = pipeline();
  const s = q.service('s');
  s.task('x', {});
  s.task('x', {});
  t.throws(() => resolve(q), { message: "task 's:x' is declared twice; task names must be unique" });
  const r = pipeline();
  r.service('s');
  r.add(service('s'));
  t.throws(() => resolve(r), { message: "service 's' is declared twice; service names must be unique" }, 'two services with one name');
  const clash = pipeline();
  clash.task('web:deploy', { run: 'true' });
  clash.service('web').task('deploy', { run: 'true' });
  t.throws(() => resolve(clash), DuplicateTaskError);
  t.throws(() => resolve(clash), { message: "task 'web:deploy' is declared twice; task names must be unique" });
});

t.test('unknown dependency, with a suggestion', async (t) => {
  const p = pipeline();
  p.task('service_a', { run: 'true' });
  p.task('service_d', { run: 'true', deps: ['servce_a'] });
  const error = t.throws(() => resolve(p)) as UnknownDependencyError;
  t.type(error, UnknownDependencyError);
  t.equal(error.task, 'service_d');
  t.equal(error.dependency, 'servce_a');
  t.equal(error.suggestion, 'service_a');
  t.equal(error.message, "task 'service_d' depends on 'servce_a', which is not a task or service (did you mean 'service_a'?)");
  t.equal(error.exitCode, 2);

  const q = pipeline();
  q.task('a', { deps: ['zzz'] });
  t.throws(() => resolve(q), { message: "task 'a' depends on 'zzz', which is not a task or service" }, 'no far-fetched suggestion');

  const r = pipeline();
  r.service('api').task('deploy', { run: 'true', after: ['db'] });
  r.service('dbs').task('deploy', { run: 'true' });
  t.throws(() => resolve(r), { message: /task 'api:deploy' depends on 'db'.*did you mean 'dbs'/ }, 'unknown service in after');
});

t.test('cycles are printed as a path', async (t) => {
  const p = pipeline();
  p.task('a', { run: 'true', deps: ['b'] });
  p.task('b', { run: 'true', deps: ['c'] });
  p.task('c', { run: 'true', deps: ['a'] });
  p.task('free', { run: 'true' });
  const error = t.throws(() => resolve(p)) as CycleError;
  t.type(error, CycleError);
  t.same(error.cycle, ['a', 'b', 'c', 'a']);
  t.equal(error.message, 'dependency cycle: a -> b -> c -> a');

  const self = pipeline();
  self.task('x', { run: 'true', deps: ['x'] });
  t.throws(() => resolve(self), { message: 'dependency cycle: x -> x' });

  const services = pipeline();
  const s1 = services.service('s1');
  const s2 = services.service('s2', { after: [s1] });
  s1.after(s2);
  s1.task('deploy', { run: 'true' });
  s2.task('deploy', { run: 'true' });
  t.throws(() => resolve(services), { message: 'dependency cycle: s1:deploy -> s2:deploy -> s1:deploy' });
});

t.test('targets: tasks, services, and names shared by services', async (t) => {
  const p = pipeline();
  for (const name of ['a', 'b']) {
    const s = p.service(name);
    s.task('build', { run: 'true' });
    s.task('deploy', { run: 'true', deps: ['build'] });
  }
  p.task('lint', { run: 'true' });
  p.default('lint');
  const resolved = resolve(p);
  t.same(createPlan(resolved, ['a:deploy']).targets, ['a:deploy']);
  t.same(createPlan(resolved, ['b']).targets, ['b:build', 'b:deploy']);
  t.same(createPlan(resolved, ['deploy']).targets, ['a:deploy', 'b:deploy']);
  t.same(createPlan(resolved, []).targets, ['lint'], 'the default');
  t.same(
    createPlan(resolved, ['a:deploy']).tasks.map((task) => task.name),
    ['a:build', 'a:deploy'],
    'with what they need',
  );
  const error = t.throws(() => createPlan(resolved, ['deplyo'])) as UnknownTargetError;
  t.type(error, UnknownTargetError);
  t.equal(error.message, "unknown target 'deplyo' (did you mean 'deploy'?)");
  t.match(error.hints[0], /^targets: a:build, a:deploy, b:build, b:deploy, lint, a, b, build, deploy$/);
  const none = pipeline();
  none.task('x', { run: 'true' });
  t.throws(() => createPlan(resolve(none), []), NoTargetError);
});

t.test('plan: stages are topological generations of what the targets need', async (t) => {
  const p = pipeline();
  const a = p.task('a', { run: 'true' });
  const b = p.task('b', { run: 'true' });
  const d = p.task('d', { run: 'true', deps: [a, b] });
  p.task('c', { run: 'true', deps: [d] });
  p.task('e', { run: 'true', deps: [d] });
  p.task('f', { run: 'true' });
  p.task('unrelated', { run: 'true' });
  const plan = createPlan(resolve(p), ['c', 'e', 'f']);
  t.same(
    plan.stages.map((stage) => stage.map((task) => task.name)),
    [['a', 'b', 'f'], ['d'], ['c', 'e']],
  );
  t.same(
    plan.tasks.map((task) => task.stage),
    [0, 0, 1, 2, 2, 0],
  );
  t.notOk(plan.byName.has('unrelated'));
});

t.test('describeCommand quotes argv for a shell reader', async (t) => {
  t.equal(describeCommand('make -C a deploy'), 'make -C a deploy');
  t.equal(describeCommand(['make', '-C', 'a b', "it's"]), `make -C 'a b' 'it'\\''s'`);
  t.equal(
    describeCommand(async function deployIt() {}),
    '[function deployIt]',
  );
  t.equal(describeCommand(undefined), '(no command: a goal)');
});
