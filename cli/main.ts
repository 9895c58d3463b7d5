#!/usr/bin/env node
/**
 * The `stagerun` bin. `--version` is answered without loading anything else, so that it
 * costs little more than Node's own start-up; every other command loads the app lazily.
 */

// Set by the build (scripts/build.mjs).
declare const __STAGERUN_VERSION__: string;

const args = process.argv.slice(2);
const beforeDashes = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
// Anywhere on the line, as in git: `stagerun deploy --version` must not deploy.
if (beforeDashes.includes('--version')) {
  process.stdout.write(`${__STAGERUN_VERSION__}\n`);
} else {
  // `stagerun --graph | head` closes our stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const [{ main }, { processIo }] = await Promise.all([import('./app.js'), import('./io.js')]);
  const code = await main(args, processIo());
  process.exitCode = code;
  // The command is done: a timer or socket left by a function task must not keep stagerun
  // running. Exit once what was written has been flushed.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
