#!/usr/bin/env node
/**
 * The `stagerun` bin. `--version` and a bare `--help` are answered without loading anything
 * else, so that they cost little more than Node's own start-up; every other command loads
 * the app lazily.
 */

import { readFileSync } from 'node:fs';

// Set by the build (scripts/build.mjs).
declare const __STAGERUN_VERSION__: string;

/** `stagerun --help` as the build printed it at this width (see scripts/build.mjs), if it did. */
function keptHelp(): Buffer | undefined {
  const width = Math.min(110, process.stdout.columns || 100);
  if (width !== 100 && width !== 110) return undefined;
  try {
    return readFileSync(new URL(`./help-${width}.txt`, import.meta.url));
  } catch {
    return undefined;
  }
}

const args = process.argv.slice(2);
const beforeDashes = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
const help = args.length === 1 && (args[0] === '--help' || args[0] === '-h') ? keptHelp() : undefined;
// Anywhere on the line, as in git: `stagerun deploy --version` must not deploy.
if (beforeDashes.includes('--version')) {
  process.stdout.write(`${__STAGERUN_VERSION__}\n`);
} else if (help) {
  process.stdout.write(help);
} else {
  // `stagerun --graph | head` closes our stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const [{ main }, { processIo }] = await Promise.all([import('./app.js'), import('./io.js')]);
  const io = processIo();
  const code = await main(args, io);
  process.exitCode = code;
  io.flush?.();
  // The command is done: a timer or socket left by a function task must not keep stagerun
  // running. Exit once what was written has been flushed.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
