// A user's tool or test, in a project without @types/node: the engine's types stand on their own.
import { pipeline, type RunReport, run, simulate } from 'stagerun/engine';

const p = pipeline();
p.task('build', { run: 'make build' });
const predicted: RunReport = simulate(p, { jobs: 2, durations: { build: 1000 } });
export const makespan: number = predicted.makespanMs;
export const real: Promise<RunReport> = run(p, { jobs: 2 });
