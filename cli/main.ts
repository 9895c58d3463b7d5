#!/usr/bin/env node
/**
 * The `stagerun` bin. `--version` is answered without loading anything else, so that it
 * costs little more than Node's own start-up; every other command loads the app lazily.
 */

// Set by the build (scripts/build.mjs).
declare const __STAGERUN_VERSION__: string;

const args = process.argv.slice(2);
// Anywhere on the line, as in git: `stagerun deploy --version` must not deploy.
if (args.includes('--version')) {
  process.stdout.write(`${__STAGERUN_VERSION__}\n`);
} else {
  const { main } = await import('./app.js');
  const code = await main(args);
  process.exitCode = code;
  // The command is done: a timer or socket left by a function task must not keep stagerun
  // running. Exit once what was written has been flushed.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
