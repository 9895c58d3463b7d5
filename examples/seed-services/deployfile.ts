// The six services of the staged-Makefile story: D needs A and B; C and E need D; F needs nothing.
// Each service's deploy runs in its own directory (service_x/) as `service_x:deploy`.
// Each deploy's inputs are its service's files: a service whose code did not change since
// its last successful deploy is up to date and is not deployed again (--force to redeploy).
import { pipeline } from 'stagerun';
import { serviceD } from './service_d/service.js';

const p = pipeline();

const a = p.service('service_a');
a.task('deploy', { run: 'sh deploy.sh', description: 'Deploy A', inputs: ['**'] });

const b = p.service('service_b');
b.task('deploy', { run: ['sh', 'deploy.sh'], description: 'Deploy B (argv form: no shell)', inputs: ['**'] });

// Service-level ordering: every task of D runs after the task of the same name in A and B.
p.add(serviceD.after(a, b));

for (const name of ['service_c', 'service_e'] as const) {
  p.service(name, { after: [serviceD] }).task('deploy', {
    run: 'sh deploy.sh',
    description: `Deploy ${name.slice(-1).toUpperCase()}`,
    inputs: ['**'],
  });
}

const f = p.service('service_f');
f.task('deploy', { run: 'sh deploy.sh', description: 'Deploy F', inputs: ['**'] });

// A goal: no command, it groups every service's deploy.
p.task('deploy', { deps: ['service_a', 'service_b', 'service_c', serviceD, 'service_e', f], description: 'Deploy every service' });
p.default('deploy');

export default p;
