/**
 * execa, loaded when a run first needs a process rather than when stagerun starts:
 * importing it costs tens of milliseconds (docs/performance.md) that `--help`, `--list`,
 * `--dry-run` and in-process runs never pay, and that a real run pays while it loads the
 * deployfile's keys and plans.
 */
import type { execa } from 'execa';

export type Execa = typeof execa;

let loading: Promise<Execa> | undefined;
let loaded: Execa | undefined;

/** Starts loading execa (once per process); resolves with it. */
export function loadExeca(): Promise<Execa> {
  loading ??= import('execa').then((module) => {
    loaded = module.execa;
    return loaded;
  });
  return loading;
}

/** execa if it has loaded already. */
export function loadedExeca(): Execa | undefined {
  return loaded;
}
