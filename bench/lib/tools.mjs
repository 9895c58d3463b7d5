// The peers and helpers the benchmark needs. Installs make, ninja and GNU time from
// Debian if missing (as root, or with passwordless sudo), and just from npm (rust-just)
// into bench/.tools. A tool that cannot be had is left out, and the report says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const toolsDir = path.resolve(new URL('../.tools', import.meta.url).pathname);

function which(command) {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function version(command, args = ['--version']) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return (result.stdout || result.stderr || '').split('\n')[0].trim();
}

function aptInstall(packages, log) {
  const root = process.getuid?.() === 0;
  const prefix = root ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : undefined;
  if (!prefix || !which('apt-get')) {
    log(`cannot install ${packages.join(', ')} (needs apt-get as root or passwordless sudo)`);
    return;
  }
  log(`installing ${packages.join(', ')} from Debian…`);
  const run = (args) => spawnSync(prefix[0] ?? args[0], prefix.length ? [...prefix.slice(1), ...args] : args.slice(1), { stdio: 'ignore' });
  if (run(['apt-get', 'install', '-y', '-q', ...packages]).status !== 0) {
    run(['apt-get', 'update', '-q']);
    run(['apt-get', 'install', '-y', '-q', ...packages]);
  }
}

function findJust() {
  const onPath = which('just');
  if (onPath) return onPath;
  // rust-just ships the binary in a per-platform package; its bin is a Node shim we skip.
  const modules = path.join(toolsDir, 'node_modules');
  if (!existsSync(modules)) return undefined;
  for (const entry of readdirSync(modules)) {
    const candidate = path.join(modules, entry, 'bin', 'just');
    if (entry.startsWith('rust-just-') && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function ensureTools(log) {
  const missing = [];
  if (!which('make')) missing.push('make');
  if (!which('ninja')) missing.push('ninja-build');
  if (!existsSync('/usr/bin/time')) missing.push('time');
  if (missing.length > 0) aptInstall(missing, log);
  let just = findJust();
  if (!just) {
    log('installing just from npm (rust-just) into bench/.tools…');
    try {
      execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', toolsDir, 'rust-just'], {
        stdio: 'ignore',
        timeout: 180_000,
      });
    } catch {
      log('rust-just did not install: just is left out');
    }
    just = findJust();
  }
  const tools = {
    node: process.execPath,
    make: which('make'),
    ninja: which('ninja'),
    just,
    time: existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined,
  };
  return {
    tools,
    versions: {
      node: process.version,
      make: tools.make && version(tools.make),
      ninja: tools.ninja && version(tools.ninja),
      just: tools.just && version(tools.just),
    },
  };
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
  };
}
