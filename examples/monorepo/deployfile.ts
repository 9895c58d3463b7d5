// A small npm-workspaces repository, deployed as a real one is: a shared package and three
// services built with tsc, tested with node --test, shipped as images tagged with their
// content key, and a CloudFormation stack that says when it has nothing to do. The stand-ins
// in bin/ play docker's registry and CloudFormation, so that it runs anywhere in seconds.
import { pipeline } from 'stagerun';

const p = pipeline();

const shared = p.service('shared', { dir: 'packages/shared' });
shared.task('build', {
  run: 'tsc -p .',
  inputs: ['src/**', 'tsconfig.json', 'package.json', '../../tsconfig.base.json'],
  outputs: ['dist/index.js'],
});

for (const name of ['api', 'web', 'worker']) {
  const service = p.service(name, { dir: `services/${name}` });
  service.task('build', {
    run: 'tsc -p .',
    deps: [shared],
    inputs: ['src/**', 'tsconfig.json', 'package.json', '../../tsconfig.base.json'],
    outputs: ['dist/index.js'],
  });
  service.task('test', { run: 'node --test test/', deps: ['build'], inputs: ['test/**'] });
  service.task('image', {
    description: `the ${name} image, tagged with its content key`,
    run: `sh ../../bin/docker-build.sh ${name}`,
    deps: ['test'],
    inputs: ['Dockerfile'],
    // On a fresh CI checkout there are no recorded keys: the registry says what is already built.
    check: `sh ../../bin/registry-has.sh ${name}`,
  });
}

const infra = p.service('infra', { dir: 'services/infra' });
infra.task('deploy', { run: 'sh ../../bin/cfn-deploy.sh', inputs: ['template.yaml'], okExitCodes: [0, 255] });

p.task('deploy', { deps: ['api:image', 'web:image', 'worker:image', 'infra:deploy'] });
p.default('deploy');
export default p;
