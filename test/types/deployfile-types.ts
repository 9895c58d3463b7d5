// Type-checked by test/types.test.ts: each @ts-expect-error must be an error, the rest must not.
import { pipeline, service, type TaskContext } from 'stagerun';

const p = pipeline();
const a = p.task('service_a', { run: 'make -C service_a deploy', description: 'Deploy A' });
p.task('service_b', { run: ['make', '-C', 'service_b', 'deploy'] });
p.task('service_c', { run: async ({ signal, log }: TaskContext) => log(signal.aborted) });
const d = p.service('service_d', { after: [a.name === 'service_a' ? 'service_a' : 'x'] });
const deploy = d.task('deploy', { deps: [a, 'service_b'], env: { REGION: 'eu', DROP: undefined } });
const name: 'service_d:deploy' = deploy.name;
p.add(service('service_e').after(d));
p.default('service_a', deploy, d);

// @ts-expect-error: misspelled option
p.task('x1', { dep: ['service_a'] });
// @ts-expect-error: run must be a command, argv or function
p.task('x2', { run: 42 });
// @ts-expect-error: argv must not be empty
p.task('x3', { run: [] });
// @ts-expect-error: deps are handles or names
p.task('x4', { deps: [42] });
// @ts-expect-error: env values are strings
p.task('x5', { env: { N: 1 } });
// @ts-expect-error: a service's dir is a string
p.service('x6', { dir: 3 });
// @ts-expect-error: the handle's name is typed
const wrong: 'service_x' = a.name;

export default p;
export { name, wrong };
