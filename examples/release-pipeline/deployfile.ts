// A release pipeline that ends in every way a real deploy can, with stand-in commands:
// run it as is (`npx stagerun -f examples/release-pipeline`), or ten times quicker with
// STAND_IN_SCALE=0.1.
//
//   infra:deploy        CloudFormation: "No changes to deploy" (exit 255) is a success: no-change
//   db:migrate          holds the production database: one migration at a time
//   api, web            build → test → push → deploy to staging (two staging slots)
//   smoke               flaky while the load balancer warms up: retried
//   deploy-production   asks a person first; every deploy has a time limit
import { pipeline } from 'stagerun';

const p = pipeline({
  // At most one task at a time touches the production database, two deploy to staging.
  resources: { 'prod-db': 1, staging: 2 },
  // Never shown: masked as *** in every line, report and history.
  secrets: ['REGISTRY_PASSWORD'],
});
const step = (what: string, seconds: number) => `sh ../bin/stand-in.sh "${what}" ${seconds}`;

p.service('infra').task('deploy', {
  run: 'sh ../bin/cfn-deploy.sh',
  description: 'Shared infrastructure (CloudFormation)',
  okExitCodes: [0, 255],
  noChange: /No changes to deploy/,
  timeout: '5m',
});

const db = p.service('db');
db.task('migrate', { run: step('migrating the schema', 0.6), deps: ['infra:deploy'], uses: ['prod-db'], timeout: '10m' });
db.task('verify', { run: step('checking the schema', 0.2), deps: ['migrate'], uses: ['prod-db'] });

for (const name of ['api', 'web'] as const) {
  const service = p.service(name);
  service.task('build', {
    run: `${step(`building ${name}`, 0.8)} && mkdir -p dist && echo "${name} $STAGERUN_HASH" > dist/image.txt`,
    description: `Build the ${name} image`,
    inputs: ['**', '!dist/**'],
    // Exported to CI, the image description is saved after this job and restored for push.
    outputs: ['dist/**'],
  });
  service.task('test', { run: step(`testing ${name}`, 0.5), deps: ['build'] });
  service.task('push', { run: step(`pushing the ${name} image`, 0.3), deps: ['test'] });
  service.task('deploy-staging', {
    run: step(`deploying ${name} to staging`, 0.7),
    deps: ['push', 'db:verify'],
    uses: ['staging'],
    timeout: '58s',
  });
}

p.task('smoke', {
  run: 'sh bin/smoke.sh',
  deps: ['api:deploy-staging', 'web:deploy-staging'],
  retries: 2,
  retryDelay: '1s',
  description: 'Smoke test against staging',
});

p.task('deploy-production', {
  run: `sh bin/stand-in.sh "deploying api and web to production" 0.9`,
  deps: ['smoke'],
  approval: 'Deploy api and web to production?',
  timeout: '15m',
});

p.task('release', { deps: ['deploy-production'], description: 'Everything, through production' });
p.default('release');

export default p;
