// The bundled deployfile kept outside the project (when .stagerun/ cannot be written) must be
// this user's alone: another local user who plants a bundle there must not run code as you.
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCli, tempProject } from '../helpers/cli.js';

const deployfile = "import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('ok', { run: 'true' });\nexport default p;\n";

/** A project whose .stagerun is a file, so that bundles go to $TMPDIR/stagerun-<uid>/cache. */
function projectWithoutState(): string {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  writeFileSync(path.join(dir, '.stagerun'), 'not a directory');
  return dir;
}

/** A planted bundle and a manifest that checks nothing, in `cache`, for the deployfile of `project`. */
async function plant(cache: string, project: string, marker: string): Promise<void> {
  const { createHash } = await import('node:crypto');
  const file = path.join(project, 'deployfile.ts');
  const stem = `deployfile-${createHash('sha256').update(file).digest('hex').slice(0, 16)}`;
  const text = `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'pwned'); export default {};\n`;
  const bundle = `${stem}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`;
  writeFileSync(path.join(cache, bundle), text);
  // Whatever stagerun's own copy is: the attacker can read it from the package.
  for (const self of ['', 'file:///anything']) {
    writeFileSync(
      path.join(cache, `${stem}.json`),
      JSON.stringify({ format: 1, deployfile: file, self, bundle, computedImport: false, inputs: {} }),
    );
  }
}

t.test("another user's directory in the temp directory is not read; a manifest that checks nothing is not trusted", async (t) => {
  if (process.getuid?.() !== 0) {
    t.pass('skipped: needs root, to make a directory owned by another user');
    return;
  }
  const temp = mkdtempSync(path.join(tmpdir(), 'stagerun-tmpdir-'));
  const cache = path.join(temp, 'stagerun-0', 'cache');
  mkdirSync(cache, { recursive: true, mode: 0o777 });
  const marker = path.join(temp, 'pwned');
  const project = projectWithoutState();
  await plant(cache, project, marker);
  // Owned by nobody (65534), writable by all: as another local user's would be.
  chownSync(path.join(temp, 'stagerun-0'), 65534, 65534);
  chownSync(cache, 65534, 65534);
  const run = await runCli(['ok'], { cwd: project, env: { TMPDIR: temp } });
  t.notOk(existsSync(marker), 'the planted bundle did not run');
  t.equal(run.code, 0, `bundled into a directory of its own instead: ${run.stderr}`);
  t.notOk(
    readdirSync(temp).some((name) => name.startsWith('stagerun-bundle-')),
    'which is gone after the run',
  );

  // Our own directory, with a loose mode: tightened, and the planted manifest (no inputs) ignored.
  chownSync(path.join(temp, 'stagerun-0'), 0, 0);
  chownSync(cache, 0, 0);
  const ours = await runCli(['ok'], { cwd: project, env: { TMPDIR: temp } });
  t.equal(ours.code, 0, ours.stderr);
  t.notOk(existsSync(marker), 'a manifest that leaves out the deployfile is not ours: the deployfile is bundled again');
  t.equal(statSync(cache).mode & 0o777, 0o700, 'the directory is made private');
  t.ok(readdirSync(cache).length > 0);
});
