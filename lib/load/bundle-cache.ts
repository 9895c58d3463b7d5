/**
 * The bundled deployfile, kept between runs. Bundling starts esbuild's service and loads
 * its JavaScript API (about 30–40 ms of a one-task run, measured); while none of the files
 * the bundle was made from has changed, the previous bundle is imported as it is.
 *
 * A manifest per deployfile names the bundle and the SHA-256 of every file it was made
 * from, as esbuild read it. The bundle's own name carries its content's hash and is written
 * before the manifest that points to it (each by a rename), so that a reader, even one
 * racing a writer, sees a manifest whose bundle exists and matches its inputs. Anything
 * unreadable or inconsistent (a damaged `.stagerun/`) is a miss: the deployfile is bundled
 * again, never an error.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bumped when the way a deployfile is bundled changes, so that older bundles are not reused. */
const BUNDLE_FORMAT = 1;
/** A bundle no manifest names any more is removed once it is this old (a concurrent load may still be importing it). */
const ORPHAN_AGE_MS = 60_000;

export interface CachedBundle {
  /** The bundle file to import. */
  readonly file: string;
  /** It has an `import()` of a computed path (to be resolved as from the deployfile). */
  readonly computedImport: boolean;
}

interface Manifest {
  format: number;
  deployfile: string;
  /** What `import 'stagerun'` was bundled as: another copy of stagerun makes another bundle. */
  self: string;
  bundle: string;
  computedImport: boolean;
  /** Absolute path → SHA-256 of its content. */
  inputs: Record<string, string>;
}

export const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** The file names for a deployfile in `dir`: `deployfile-<hash of its path>`. */
function namesFor(deployfile: string): { stem: string; manifest: string } {
  const stem = `deployfile-${sha256(deployfile).slice(0, 16)}`;
  return { stem, manifest: `${stem}.json` };
}

/** The bundle for `deployfile` in `dir`, if one was made from exactly the files as they are now. */
export function findBundle(dir: string, deployfile: string, self: string): CachedBundle | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, namesFor(deployfile).manifest), 'utf8')) as Manifest;
    if (manifest.format !== BUNDLE_FORMAT || manifest.deployfile !== deployfile || manifest.self !== self) return undefined;
    if (typeof manifest.bundle !== 'string' || manifest.bundle.includes('/')) return undefined;
    // A manifest that leaves out the deployfile itself checks nothing: it is no manifest of ours.
    if (typeof manifest.inputs?.[deployfile] !== 'string') return undefined;
    for (const [input, hash] of Object.entries(manifest.inputs)) {
      if (sha256(readFileSync(input)) !== hash) return undefined;
    }
    const file = path.join(dir, manifest.bundle);
    if (!statSync(file).isFile()) return undefined;
    // The bundle's name carries its content's hash: what is there must be what was written.
    if (!manifest.bundle.endsWith(`-${sha256(readFileSync(file)).slice(0, 16)}.mjs`)) return undefined;
    return { file, computedImport: manifest.computedImport === true };
  } catch {
    return undefined;
  }
}

/**
 * Writes a new bundle and the manifest that points to it; returns the bundle's path.
 * Throws if `dir` cannot be written (the caller then tries elsewhere).
 */
export function storeBundle(
  dir: string,
  entry: { deployfile: string; self: string; text: string; computedImport: boolean; inputs: Record<string, string> },
): string {
  const { stem, manifest } = namesFor(entry.deployfile);
  const bundle = `${stem}-${sha256(entry.text).slice(0, 16)}.mjs`;
  const temp = (name: string) => path.join(dir, `${name}.${process.pid}.tmp`);
  // A copy of the deployfile's source, which may hold values its owner alone should read.
  writeFileSync(temp(bundle), entry.text, { mode: 0o600 });
  renameSync(temp(bundle), path.join(dir, bundle));
  const record: Manifest = {
    format: BUNDLE_FORMAT,
    deployfile: entry.deployfile,
    self: entry.self,
    bundle,
    computedImport: entry.computedImport,
    inputs: entry.inputs,
  };
  writeFileSync(temp(manifest), JSON.stringify(record), { mode: 0o600 });
  renameSync(temp(manifest), path.join(dir, manifest));
  removeOrphans(dir, stem, bundle);
  return path.join(dir, bundle);
}

/** Earlier bundles of this deployfile, and temp files of loads that were killed while writing. */
function removeOrphans(dir: string, stem: string, current: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(stem) || name === current || name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > ORPHAN_AGE_MS) rmSync(file, { force: true });
    } catch {
      // Gone already, or not ours to remove: either way nothing to do.
    }
  }
}
