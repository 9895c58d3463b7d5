// Choosing what to run: --only, --skip (by tag, task, service or glob) and --no-deps.
import t from 'tap';
import { pipeline } from '../lib/model/model.js';
import { toPlan } from '../lib/plan/plan.js';

function build() {
  const p = pipeline();
  const api = p.service('api', { dir: '.', tags: ['backend'] });
  api.task('build', { run: 'true' });
  api.task('lint', { run: 'true', tags: ['fast'] });
  api.task('e2e', { run: 'true', deps: ['build'], tags: ['slow'] });
  api.task('deploy', { run: 'true', deps: ['build', 'e2e'] });
  const web = p.service('web', { dir: '.' });
  web.task('build', { run: 'true' });
  web.task('lint', { run: 'true', tags: ['fast'] });
  web.task('deploy', { run: 'true', deps: ['build'] });
  p.task('all', { deps: [api, web] });
  return p;
}
const names = (plan: ReturnType<typeof toPlan>) => plan.tasks.map((task) => task.name);

t.test('--only by tag keeps the matches and what they need', async (t) => {
  t.same(names(toPlan(build(), ['all'], '/tmp', { only: ['fast'] })), ['api:lint', 'web:lint']);
  t.same(names(toPlan(build(), ['all'], '/tmp', { only: ['slow'] })), ['api:build', 'api:e2e'], 'e2e needs build');
  t.same(
    names(toPlan(build(), ['all'], '/tmp', { only: ['backend'] })),
    ['api:build', 'api:lint', 'api:e2e', 'api:deploy'],
    'a service tag is every task of the service',
  );
});

t.test('--only by task name, service name and glob', async (t) => {
  t.same(names(toPlan(build(), ['all'], '/tmp', { only: ['*:deploy'] })), [
    'api:build',
    'api:e2e',
    'api:deploy',
    'web:build',
    'web:deploy',
  ]);
  t.same(names(toPlan(build(), ['all'], '/tmp', { only: ['web'] })), ['web:build', 'web:lint', 'web:deploy']);
  t.same(names(toPlan(build(), ['all'], '/tmp', { only: ['api:lint', 'web:lint'] })), ['api:lint', 'web:lint']);
});

t.test('--no-deps runs exactly the selected tasks; dependencies outside are trusted', async (t) => {
  const plan = toPlan(build(), ['api:deploy'], '/tmp', { noDeps: true });
  t.same(names(plan), ['api:deploy']);
  t.same(plan.tasks[0]!.deps, [], 'its deps are not waited for');
  t.same(names(toPlan(build(), ['all'], '/tmp', { only: ['*:deploy'], noDeps: true })), ['api:deploy', 'web:deploy']);
});

t.test('--skip leaves tasks out; what depends on them still runs', async (t) => {
  const plan = toPlan(build(), ['api:deploy'], '/tmp', { skip: ['slow'] });
  t.same(names(plan), ['api:build', 'api:deploy']);
  t.same(plan.byName.get('api:deploy')!.deps, ['api:build']);
  t.same(plan.skipped, ['api:e2e']);
});

t.test('a selector that matches nothing is refused, with a suggestion', async (t) => {
  t.throws(() => toPlan(build(), ['all'], '/tmp', { only: ['fats'] }), {
    code: 'E_USAGE',
    message: "--only fats: no task has that tag or name, and no service that name (did you mean 'fast'?)",
  });
  t.throws(() => toPlan(build(), ['all'], '/tmp', { skip: ['nope'] }), { message: /^--skip nope: no task has that tag or name/ });
  t.throws(() => toPlan(build(), ['web:deploy'], '/tmp', { only: ['slow'] }), {
    message: 'nothing to run: --only slow matches none of the tasks that web:deploy needs',
  });
});

t.test('--only with no target and no default chooses from the whole pipeline', async (t) => {
  const plan = toPlan(build(), [], '/tmp', { only: ['*:deploy'] });
  t.same(names(plan), ['api:build', 'api:e2e', 'api:deploy', 'web:build', 'web:deploy']);
  t.same(plan.requested, ['--only *:deploy'], 'what the run is called in its header, report and history');
  t.throws(() => toPlan(build(), [], '/tmp'), { code: 'E_NO_TARGET' }, 'without --only, a target is still needed');
  const withDefault = build();
  withDefault.default('web:deploy');
  t.same(names(toPlan(withDefault, [], '/tmp', { only: ['*:deploy'] })), ['web:build', 'web:deploy'], 'a default still bounds it');
});
