/**
 * Headless Chromium for the tests that open stagerun's HTML page, through puppeteer-core and
 * the system's browser (never a download): `$STAGERUN_CHROMIUM`, else the first of the usual
 * names on PATH. `.ci/run` installs Debian's chromium where it is missing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The browser's path, or undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.STAGERUN_CHROMIUM) return env.STAGERUN_CHROMIUM;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
    }
  }
  return undefined;
}

/**
 * Flags for a machine with no network and perhaps no user namespaces: no sandbox (tests run
 * as root in CI), no GPU, and none of the background connections a closed network refuses.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchChromium(executablePath: string) {
  const { default: puppeteer } = await import('puppeteer-core');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'stagerun-chromium-'));
  const browser = await puppeteer.launch({ executablePath, headless: true, args: FLAGS, userDataDir });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A PNG's width and height, from its header. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}
