/**
 * Finding and loading the deployfile. Node 20 cannot import TypeScript, so a `.ts`
 * deployfile is bundled by esbuild (packages left external) into an `.mjs` inside
 * `.stagerun/cache/` beside it, so that its package imports resolve as the deployfile's
 * would, and imported from there; the bundle is reused while the files it was made from
 * are unchanged (bundle-cache.ts). esbuild was chosen over tsx and jiti: it was the
 * fastest cold (see docs/performance.md), it keeps one copy of `stagerun` in memory,
 * and it reports syntax errors with file, line and column. A `.js` deployfile goes the
 * same way, so that it loads as an ES module whatever the package's `type`.
 *
 * Two cases need the bundle's imports resolved as if from the deployfile itself: a
 * read-only project (the bundle then goes to the system's temp directory) and an
 * `import()` of a computed path (`import('../lib' + name)`, which esbuild cannot bundle).
 * A small module resolve hook does that; it costs about 25 ms, so it is only installed then.
 */

import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DeployfileLoadError,
  DeployfileNotFoundError,
  describeValue,
  isStagerunError,
  NotAPipelineError,
  type SourceLocation,
  sourceLines,
} from '../errors.js';
import { isPipeline, type Pipeline } from '../model/model.js';
import { ensureStateDir, stateDirOf } from '../util/state-dir.js';
import { findBundle, sha256, storeBundle } from './bundle-cache.js';

export const DEPLOYFILE_NAMES = ['deployfile.ts', 'deployfile.mts', 'deployfile.js', 'deployfile.mjs'] as const;
/** Loaded through esbuild: TypeScript, and `.js` (which may be ESM in a CommonJS package). */
const BUNDLED = /\.(?:[cm]?tsx?|jsx?)$/;

/** The explicit file (or the deployfile in an explicit directory), or the first deployfile found from `from` upwards. */
export function findDeployfile(from: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = path.resolve(from, explicit);
    if (!existsSync(file)) throw new DeployfileNotFoundError(DEPLOYFILE_NAMES, from, explicit);
    if (!statSync(file).isDirectory()) return file;
    const inside = DEPLOYFILE_NAMES.map((name) => path.join(file, name)).find((candidate) => existsSync(candidate));
    if (!inside)
      throw new DeployfileNotFoundError(DEPLOYFILE_NAMES, file, `${explicit} (a directory without ${DEPLOYFILE_NAMES.join(', ')})`);
    return inside;
  }
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    for (const name of DEPLOYFILE_NAMES) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
    if (path.dirname(dir) === dir) throw new DeployfileNotFoundError(DEPLOYFILE_NAMES, from, undefined);
  }
}

// The package's own entry, so that a bundled deployfile shares this copy of stagerun
// (dist/index.js beside this chunk when built; lib/index.ts, one folder up, when the sources
// run under a TypeScript loader, as in tests).
const selfEntry = ['./index.js', '../index.ts']
  .map((entry) => fileURLToPath(new URL(entry, import.meta.url)))
  .find((file) => existsSync(file));

/** First stack frame inside the deployfile's own sources (not node_modules, not node:). */
export function locationFromStack(error: unknown, file: string): SourceLocation | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const dir = path.dirname(file);
  for (const match of stack.matchAll(/(?:file:\/\/)?(\/[^\s()]+?):(\d+):(\d+)/g)) {
    const frameFile = match[1]!;
    if (frameFile.includes('/node_modules/') || !frameFile.startsWith(dir) || frameFile.includes('/.stagerun/')) continue;
    const line = Number(match[2]);
    let lineText: string | undefined;
    try {
      lineText = readFileSync(frameFile, 'utf8').split('\n')[line - 1];
    } catch {
      continue;
    }
    // Line 1 of a bundled file starts with the import.meta header: its columns are shifted by it.
    const column = Number(match[3]) - 1 - (line === 1 ? metaHeader(frameFile).length : 0);
    return { file: frameFile, line, column: Math.max(0, column), lineText };
  }
  return undefined;
}

function relative(cwd: string, file: string): string {
  return path.relative(cwd, file) || file;
}

interface Bundled {
  text: string;
  /** Every file the bundle was made from (absolute path → SHA-256), as esbuild read it. */
  inputs: Record<string, string>;
}

async function bundle(file: string, outfile: string, cwd: string): Promise<Bundled> {
  const esbuild = await import('esbuild');
  const inputs: Record<string, string> = {};
  const shim = {
    name: 'stagerun-deployfile',
    setup(build: import('esbuild').PluginBuild) {
      if (selfEntry) {
        build.onResolve({ filter: /^stagerun$/ }, () => ({ path: pathToFileURL(selfEntry).href, external: true }));
      }
      // Give each bundled module its own import.meta.url/dirname/filename, not the temp file's.
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        inputs[args.path] = sha256(source);
        const header = metaHeader(args.path);
        const ext = path.extname(args.path).slice(1).replace(/^[cm]/, '') as 'ts' | 'tsx' | 'js' | 'jsx';
        return { contents: `${header}${source}`, loader: ext };
      });
    },
  };
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      // Paths in errors and in the metafile are relative to this: the deployfile's directory,
      // not wherever stagerun was started from.
      absWorkingDir: path.dirname(file),
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      // The real destination, so that source map paths (and so stack traces) lead back to the sources.
      outfile,
      logLevel: 'silent',
      define: {
        'import.meta.url': '__stagerun_meta_url',
        'import.meta.dirname': '__stagerun_meta_dirname',
        'import.meta.filename': '__stagerun_meta_filename',
      },
      plugins: [shim],
      metafile: true,
    });
    // Files esbuild read itself (JSON, say) are hashed as they are now.
    for (const input of Object.keys(result.metafile.inputs)) {
      const absolute = path.resolve(path.dirname(file), input);
      inputs[absolute] ??= sha256(readFileSync(absolute));
    }
    return { text: result.outputFiles[0]!.text, inputs };
  } catch (error) {
    const first = (error as { errors?: import('esbuild').Message[] }).errors?.[0];
    if (!first) throw error;
    const where = first.location;
    let location: SourceLocation | undefined;
    if (where) {
      const source = path.resolve(path.dirname(file), where.file);
      // The shim's header shares line 1 (so that line numbers stay right): take it out of the column.
      const shift = where.line === 1 && where.lineText.startsWith('const __stagerun') ? metaHeader(source).length : 0;
      location = { file: source, line: where.line, column: where.column - shift, lineText: where.lineText.slice(shift) };
    }
    const at = location ? ` at ${relative(cwd, location.file)}:${location.line}:${location.column + 1}` : '';
    throw new DeployfileLoadError(file, `${first.text}${at}`, location);
  }
}

/** Declarations that stand in for import.meta in a bundled module; on line 1, so line numbers hold. */
function metaHeader(file: string): string {
  return (
    `const __stagerun_meta_url = ${JSON.stringify(pathToFileURL(file).href)};` +
    `const __stagerun_meta_dirname = ${JSON.stringify(path.dirname(file))};` +
    `const __stagerun_meta_filename = ${JSON.stringify(file)};`
  );
}

/**
 * Where bundles are kept: inside the project (`.stagerun/cache`), so that a bundle's package
 * imports resolve as the deployfile's; where that cannot be written, the system's temp
 * directory (and a resolve hook then makes its imports resolve from the deployfile).
 */
function cacheDirs(file: string): { dir: string; inProject: boolean }[] {
  return [
    { dir: path.join(stateDirOf(file), 'cache'), inProject: true },
    // One per user, and used only while it is this user's alone: another local user who could
    // plant a bundle there would run code as you.
    { dir: path.join(tmpdir(), `stagerun-${process.getuid?.() ?? 'user'}`, 'cache'), inProject: false },
  ];
}

/**
 * Whether a directory outside the project is this user's alone: it and its parent (the
 * per-user directory in the temp directory) are real directories, not symbolic links, owned
 * by this user, and writable by no one else. One that is ours with a loose mode is tightened.
 */
export function privateDir(dir: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return false;
  for (const each of [path.dirname(dir), dir]) {
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(each);
    } catch {
      return false;
    }
    if (!stat.isDirectory() || stat.uid !== uid) return false;
    if ((stat.mode & 0o077) !== 0) {
      try {
        chmodSync(each, 0o700);
      } catch {
        return false;
      }
    }
  }
  return true;
}

/** Where a bundle may be read from: the project's cache, and the temp one only when it is private. */
function trusted(candidate: { dir: string; inProject: boolean }): boolean {
  return candidate.inProject || privateDir(candidate.dir);
}

/** The first cache directory a file can be created in, made if needed. */
function writableCacheDir(file: string): { dir: string; inProject: boolean } {
  let lastError: unknown;
  for (const candidate of cacheDirs(file)) {
    try {
      if (candidate.inProject) ensureStateDir(stateDirOf(file));
      mkdirSync(candidate.dir, { recursive: true, mode: 0o700 });
      if (!trusted(candidate)) throw new Error(`${candidate.dir} is not this user's alone (its owner or mode), so it is not used`);
      const probe = path.join(candidate.dir, `probe.${process.pid}.tmp`);
      writeFileSync(probe, '', { flag: 'w' });
      rmSync(probe, { force: true });
      return candidate;
    } catch (error) {
      lastError = error;
    }
  }
  // Neither is usable: a directory of this process's own (mkdtemp makes it 0700), never read
  // again, removed when stagerun exits.
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'stagerun-bundle-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return { dir, inProject: false };
  } catch {
    throw new DeployfileLoadError(file, `cannot write the bundled deployfile anywhere: ${(lastError as Error).message}`);
  }
}

// Resolves what a temporary bundle imports as the deployfile itself would.
const RESOLVE_HOOK = `
const redirects = new Map();
export function initialize(data) { redirects.set(data.bundle, data.deployfile); }
export async function resolve(specifier, context, next) {
  const deployfile = context.parentURL && redirects.get(context.parentURL);
  if (deployfile && !/^(node:|data:|file:)/.test(specifier)) {
    if (/^\\.\\.?\\//.test(specifier)) return next(new URL(specifier, deployfile).href, context);
    return next(specifier, { ...context, parentURL: deployfile });
  }
  return next(specifier, context);
}`;

/** `import(x)` with anything but a literal: esbuild leaves it as is, to resolve from wherever the bundle is. */
const COMPUTED_IMPORT = /\bimport\s*\(\s*[^'"`\s)]/;

/** Each load evaluates the deployfile afresh, as a first load would, even when its bundle is reused. */
let loads = 0;

async function importBundled(file: string, cwd: string): Promise<unknown> {
  const self = selfEntry ? pathToFileURL(selfEntry).href : '';
  let cached: { bundle: string; outside: boolean; computedImport: boolean } | undefined;
  for (const candidate of cacheDirs(file)) {
    const { dir, inProject } = candidate;
    if (!trusted(candidate)) continue;
    const hit = findBundle(dir, file, self);
    if (hit) {
      cached = { bundle: hit.file, outside: !inProject, computedImport: hit.computedImport };
      break;
    }
  }
  if (!cached) {
    const { dir, inProject } = writableCacheDir(file);
    // Source maps are relative to where the bundle will be: any name in that directory.
    const { text, inputs } = await bundle(file, path.join(dir, 'deployfile.mjs'), cwd);
    const computedImport = COMPUTED_IMPORT.test(text);
    let stored: string;
    try {
      stored = storeBundle(dir, { deployfile: file, self, text, computedImport, inputs });
    } catch (error) {
      throw new DeployfileLoadError(file, `cannot write the bundled deployfile: ${(error as Error).message}`);
    }
    cached = { bundle: stored, outside: !inProject, computedImport };
  }
  const url = `${pathToFileURL(cached.bundle).href}?load=${++loads}`;
  if (cached.outside || cached.computedImport) {
    // register() runs the hook's initialize before it returns: the mapping is in place.
    register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`, { data: { bundle: url, deployfile: pathToFileURL(file).href } });
  }
  return await import(url);
}

/** Loads the deployfile and returns its pipeline, with `source` and `root` set. */
export async function loadDeployfile(file: string, options: { cwd?: string } = {}): Promise<Pipeline> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  let module: { default?: unknown };
  try {
    if (BUNDLED.test(absolute)) {
      process.setSourceMapsEnabled(true);
      module = (await importBundled(absolute, cwd)) as { default?: unknown };
    } else {
      module = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
    }
  } catch (error) {
    if (isStagerunError(error)) {
      // A declaration mistake (bad option, duplicate name): point at the line that made it,
      // which may be in a file the deployfile imports.
      if (error.file === undefined || error.file === absolute) {
        const location = locationFromStack(error, absolute);
        error.file ??= location?.file ?? absolute;
        if (location && error.hints.length === 0) error.hints.push(...sourceLines(location, false));
      }
      throw error;
    }
    throw loadFailure(error, absolute, cwd);
  }
  const exported = module.default;
  if (!isPipeline(exported)) {
    throw new NotAPipelineError(absolute, exported === undefined ? 'missing (no `export default`)' : describeValue(exported));
  }
  exported.source = absolute;
  exported.root ??= path.dirname(absolute);
  return exported;
}

/** An exception while the deployfile ran: its message, and the line of the deployfile it came from. */
function loadFailure(error: unknown, file: string, cwd: string): DeployfileLoadError {
  const location = locationFromStack(error, file);
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : describeValue(error);
  const where = location ? ` at ${relative(cwd, location.file)}:${location.line}` : '';
  const failure = new DeployfileLoadError(file, `${name}: ${message}${where}`, location);
  if (/Dynamic require of |require is not defined|module is not defined|exports is not defined/.test(message)) {
    failure.hints.push(
      "a deployfile is an ES module: write `import { pipeline } from 'stagerun';` and `export default p;` (not require/module.exports)",
    );
  }
  return failure;
}
