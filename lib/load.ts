/**
 * Finding and loading the deployfile. Node 20 cannot import TypeScript, so a `.ts`
 * deployfile is bundled by esbuild (packages left external) into a temporary `.mjs`
 * beside it and imported from there. esbuild was chosen over tsx and jiti: it was the
 * fastest cold (see docs/performance.md), it keeps one copy of `stagerun` in memory,
 * and it reports syntax errors with file, line and column.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { ensureStateDir, stateDirOf } from './state.js';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { DeployfileLoadError, DeployfileNotFoundError, NotAPipelineError, StagerunError, describeValue, sourceLines, type SourceLocation } from './errors.js';
import { isPipeline, type Pipeline } from './model.js';

export const DEPLOYFILE_NAMES = ['deployfile.ts', 'deployfile.mts', 'deployfile.js', 'deployfile.mjs'] as const;
const TYPESCRIPT = /\.[cm]?tsx?$/;

/** The explicit file (or the deployfile in an explicit directory), or the first deployfile found from `from` upwards. */
export function findDeployfile(from: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = path.resolve(from, explicit);
    if (!existsSync(file)) throw new DeployfileNotFoundError(DEPLOYFILE_NAMES, from, explicit);
    if (!statSync(file).isDirectory()) return file;
    const inside = DEPLOYFILE_NAMES.map((name) => path.join(file, name)).find((candidate) => existsSync(candidate));
    if (!inside) throw new DeployfileNotFoundError(DEPLOYFILE_NAMES, file, `${explicit} (a directory without ${DEPLOYFILE_NAMES.join(', ')})`);
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

// The package's own entry, so that a bundled deployfile shares this copy of stagerun.
const selfEntry = fileURLToPath(new URL('./index.js', import.meta.url));

/** First stack frame inside the deployfile's own sources (not node_modules, not node:). */
function locationFromStack(error: unknown, file: string): SourceLocation | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const dir = path.dirname(file);
  for (const match of stack.matchAll(/(?:file:\/\/)?(\/[^\s()]+?):(\d+):(\d+)/g)) {
    const frameFile = match[1]!;
    if (frameFile.includes('/node_modules/') || !frameFile.startsWith(dir) || frameFile.includes('/.stagerun/')) continue;
    const line = Number(match[2]);
    const lineText = readFileSync(frameFile, 'utf8').split('\n')[line - 1];
    return { file: frameFile, line, column: Number(match[3]) - 1, lineText };
  }
  return undefined;
}

async function bundle(file: string, outfile: string): Promise<string> {
  const esbuild = await import('esbuild');
  const shim = {
    name: 'stagerun-deployfile',
    setup(build: import('esbuild').PluginBuild) {
      if (existsSync(selfEntry)) {
        build.onResolve({ filter: /^stagerun$/ }, () => ({ path: pathToFileURL(selfEntry).href, external: true }));
      }
      // Give each bundled module its own import.meta.url/dirname/filename, not the temp file's.
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        const header = metaHeader(args.path);
        const ext = path.extname(args.path).slice(1).replace(/^[cm]/, '') as 'ts' | 'tsx' | 'js' | 'jsx';
        return { contents: `${header}${source}`, loader: ext };
      });
    },
  };
  try {
    const result = await esbuild.build({
      entryPoints: [file],
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
    });
    return result.outputFiles[0]!.text;
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
    const at = location ? ` at ${path.relative(process.cwd(), location.file) || location.file}:${location.line}:${location.column + 1}` : '';
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

/** A path for the bundled deployfile inside the project, so that its package imports resolve. */
async function tempModulePath(file: string): Promise<string> {
  let dir: string;
  try {
    dir = path.join(ensureStateDir(stateDirOf(file)), 'tmp');
    mkdirSync(dir, { recursive: true });
  } catch {
    // A read-only checkout: package imports may then only resolve to stagerun itself.
    dir = path.join((await import('node:os')).tmpdir(), 'stagerun');
    mkdirSync(dir, { recursive: true });
  }
  return path.join(dir, `deployfile-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
}

async function importTypeScript(file: string): Promise<unknown> {
  const temp = await tempModulePath(file);
  writeFileSync(temp, await bundle(file, temp));
  try {
    return await import(pathToFileURL(temp).href);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Loads the deployfile and returns its pipeline, with `source` and `root` set. */
export async function loadDeployfile(file: string): Promise<Pipeline> {
  const absolute = path.resolve(file);
  let module: { default?: unknown };
  try {
    if (TYPESCRIPT.test(absolute)) {
      process.setSourceMapsEnabled(true);
      module = (await importTypeScript(absolute)) as { default?: unknown };
    } else {
      module = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
    }
  } catch (error) {
    if (error instanceof StagerunError) {
      // A declaration mistake (bad option, duplicate name): point at the line that made it,
      // which may be in a file the deployfile imports.
      const location = locationFromStack(error, absolute);
      error.file ??= location?.file ?? absolute;
      if (location) error.hints.push(...sourceLines(location, false));
      throw error;
    }
    const location = locationFromStack(error, absolute);
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : describeValue(error);
    const where = location ? ` at ${path.relative(process.cwd(), location.file) || location.file}:${location.line}` : '';
    throw new DeployfileLoadError(absolute, `${name}: ${message}${where}`, location);
  }
  const exported = module.default;
  if (!isPipeline(exported)) {
    throw new NotAPipelineError(absolute, exported === undefined ? 'missing (no `export default`)' : describeValue(exported));
  }
  exported.source = absolute;
  exported.root ??= path.dirname(absolute);
  return exported;
}
