// A small pipeline with tests of its own (test/): a database migration that every deploy
// waits for, two services, and a smoke test. The commands stand in for real ones.
import { pipeline } from 'stagerun';

const p = pipeline();

p.task('db:migrate', { run: 'echo migrating; sleep 0.2', description: 'Migrate the database' });

for (const name of ['api', 'web'] as const) {
  const service = p.service(name);
  service.task('build', { run: 'echo building; sleep 0.1' });
  service.task('deploy', { run: 'echo deploying; sleep 0.2', deps: ['build', 'db:migrate'] });
}

p.task('smoke', { run: 'echo smoke test passed', deps: ['api:deploy', 'web:deploy'], retries: 1 });
p.task('deploy', { deps: ['smoke'], description: 'Everything' });
p.default('deploy');

export default p;
