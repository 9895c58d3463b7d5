// Builds dist/: type declarations from tsc (which also type-checks), and the runtime code
// bundled by esbuild: dist/index.js (the library) and dist/cli.js (the bin), sharing chunks.
// One bundle loads far fewer files than the unbundled module tree: a one-task run started
// about 65 ms sooner (docs/performance.md), and a deployfile's `import 'stagerun'`
// gets the very modules the CLI runs on.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The widths `stagerun --help` is kept at as text (cli/main.ts prints these). */
const HELP_WIDTHS = [100, 110];

import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit' });
/** yargs and its layout code measure text with cli/string-width.ts instead of the package (see that file). */
const lightStringWidth = {
  name: 'light-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, (args) =>
      args.importer.includes('/node_modules/') ? { path: path.resolve('cli/string-width.ts') } : undefined,
    );
  },
};

/**
 * Dependencies' own source maps are left out of the bundle's: dagre ships one that points at
 * TypeScript sources it does not install, so the bundle's map (and coverage read through it)
 * named files that do not exist. The bundle maps a dependency's code to its installed file.
 */
const dependencyMapsLeftOut = {
  name: 'dependency-maps-left-out',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@dagrejs[\\/].*\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/gm, ''),
      loader: 'js',
    }));
  },
};

await esbuild.build({
  entryPoints: { index: 'lib/index.ts', engine: 'lib/engine.ts', cli: 'cli/main.ts', app: 'cli/app.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  legalComments: 'linked',
  // esbuild itself ships a native binary: it stays a dependency, loaded from node_modules.
  external: ['esbuild'],
  define: { __STAGERUN_VERSION__: JSON.stringify(version) },
  // Bundled CommonJS dependencies (graphology) call require() for Node built-ins.
  banner: { js: "import { createRequire as __stagerunRequire } from 'node:module'; const require = __stagerunRequire(import.meta.url);" },
  plugins: [lightStringWidth, dependencyMapsLeftOut],
  logLevel: 'warning',
});

// `stagerun --help` is printed at one of two widths unless the terminal is narrower (100
// columns off a terminal, 110 on a wide one). Kept here as text, it is printed without
// loading yargs or the app: about 30 ms sooner (docs/performance.md). test/cli/help.test.ts
// checks that each file is what yargs prints.
const { main } = await import(pathToFileURL(path.resolve('dist/app.js')).href);
for (const columns of HELP_WIDTHS) {
  const printed = [];
  const stream = (isTTY) => ({ write: (chunk) => printed.push(chunk), isTTY, columns });
  const code = await main(['--help'], { cwd: process.cwd(), env: {}, stdout: stream(false), stderr: stream(false), ask: undefined });
  const text = printed.join('');
  if (code !== 0 || !text.startsWith('Usage: stagerun')) throw new Error(`build: stagerun --help at ${columns} columns failed (${code})`);
  writeFileSync(`dist/help-${columns}.txt`, text);
}
