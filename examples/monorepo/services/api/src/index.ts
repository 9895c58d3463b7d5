import { banner } from '@example/shared';

export const VERSION = '1.0.0';

export function describe(): string {
  return banner('api', VERSION);
}
