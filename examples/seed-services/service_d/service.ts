// Service D declares its own tasks; the root deployfile adds it and says what it comes after.
import { service } from 'stagerun';

export const serviceD = service('service_d', { description: 'API gateway' });
serviceD.task('deploy', { run: 'sh deploy.sh', description: 'Deploy D', inputs: ['**'] });
