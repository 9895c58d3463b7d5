#!/usr/bin/env node
/**
 * The `stagerun` bin. `--version` is answered without loading anything else, so that it
 * costs little more than Node's own start-up; every other command loads the app lazily.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${manifest.version}\n`);
} else {
  const { main } = await import('./app.js');
  process.exitCode = await main(args);
}
