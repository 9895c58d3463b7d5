// A held-out workload for the simulator's CPU model (`npm run bench`, section contention):
// CPU-bound tasks (busy.mjs computes for a given CPU time) and waiting ones (sleep), mixed
// in a DAG, so that at -j above the machine's cores the computing ones slow each other.
import { pipeline } from 'stagerun';

const p = pipeline();
const busy = (cpuMs: number, waitMs = 0) => ['node', 'busy.mjs', String(cpuMs), String(waitMs)];

p.task('lint', { run: ['sleep', '0.8'] });
p.task('fetch', { run: ['sleep', '1.5'] });
p.task('codegen', { run: busy(600) });
p.task('build-api', { run: busy(1600), deps: ['codegen'] });
p.task('build-web', { run: busy(1400), deps: ['codegen'] });
p.task('build-cli', { run: busy(1200) });
p.task('build-docs', { run: busy(800) });
p.task('test-api', { run: busy(700, 300), deps: ['build-api'] });
p.task('test-web', { run: busy(500, 600), deps: ['build-web', 'fetch'] });
p.task('package', { run: busy(300, 400), deps: ['test-api', 'test-web', 'build-cli', 'build-docs', 'lint'] });
p.task('all', { deps: ['package'], description: 'Everything' });
p.default('all');

export default p;
