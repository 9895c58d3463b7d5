/**
 * Brand checks for the deployfile's handles. Brands rather than instanceof: a deployfile
 * may import a second copy of the package, and its handles must still be recognised.
 */
export const REF = Symbol.for('stagerun.ref');
export const PIPELINE = Symbol.for('stagerun.pipeline');

type Branded = Record<symbol, unknown>;

export function isTaskRef(value: unknown): value is { readonly name: string } {
  return typeof value === 'object' && value !== null && (value as Branded)[REF] === 'task';
}

export function isService(value: unknown): value is { readonly name: string } {
  return typeof value === 'object' && value !== null && (value as Branded)[REF] === 'service';
}

export function isPipelineBrand(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Branded)[PIPELINE] === true;
}
