// A user's deployfile in a project without @types/node: the published types must not need it.
import { pipeline, type TaskContext } from 'stagerun';

const p = pipeline();
p.task('build', { run: 'make build' });
p.task('notify', { deps: ['build'], run: async ({ signal, log }: TaskContext) => log(signal.aborted) });
export default p;
