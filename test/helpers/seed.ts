/** The seed story's graph in code: D needs A and B; C and E need D; F needs nothing. */
import { type Pipeline, pipeline } from '../../lib/model/model.js';

export function seedPipeline(run: string | (() => void) = 'true'): Pipeline {
  const p = pipeline();
  const a = p.task('A', { run });
  const b = p.task('B', { run });
  const d = p.task('D', { run, deps: [a, b] });
  p.task('C', { run, deps: [d] });
  p.task('E', { run, deps: [d] });
  p.task('F', { run });
  p.task('deploy', { deps: ['A', 'B', 'C', 'D', 'E', 'F'] });
  p.default('deploy');
  return p;
}
