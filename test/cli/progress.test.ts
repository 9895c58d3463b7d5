// The live status line on a terminal (a fake TTY, 72 columns): it shows progress and never
// garbles the tasks' own lines. Off a terminal it prints nothing extra.
import t from 'tap';
import { runMain, tempProject } from '../helpers/cli.js';

const deployfile = `import { pipeline } from 'stagerun';
const p = pipeline();
const a = p.task('alpha', { run: 'for i in 1 2 3 4 5 6; do echo "alpha line $i"; sleep 0.05; done' });
p.task('beta', { run: 'for i in 1 2 3 4 5 6; do echo "beta line $i"; sleep 0.05; done' });
p.task('gamma', { run: 'echo gamma line; sleep 0.15', deps: [a] });
p.default('alpha', 'beta', 'gamma');
export default p;
`;

/** What a terminal would show: each erase (CR + ESC[2K) wipes the line so far. */
function screenLines(raw: string): string[] {
  return raw
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.split('\r\u001b[2K').pop()!.replace(/\r$/, ''));
}

t.test('a status line on a terminal: done/total, running tasks, time left; output lines intact', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const run = () => runMain(['-j2', '--no-summary'], { cwd: dir, tty: true, columns: 72, env: { TERM: 'xterm' } });
  await run(); // history for an estimate
  const raw = (await run()).stdout;
  const statuses = [...raw.matchAll(/\r\u001b\[2K(» [^\r\n]*)/g)].map((match) => match[1]!);
  t.ok(statuses.length >= 3, `${statuses.length} status updates`);
  t.ok(
    statuses.some((line) => /^» \d\/3 done · running (alpha|beta)/.test(line)),
    'running tasks and their elapsed time',
  );
  t.ok(
    statuses.some((line) => /· ~[\d.]+(ms|s) left$/.test(line)),
    'time left, from history',
  );
  t.ok(
    statuses.every((line) => line.length <= 71),
    'never wider than the terminal',
  );
  const visible = screenLines(raw);
  for (const task of ['alpha', 'beta']) {
    for (let i = 1; i <= 6; i++)
      t.ok(visible.includes(`${task.padEnd(5)} │ ${task} line ${i}`), `${task} line ${i} is whole on its own line`);
  }
  t.notOk(
    visible.some((line) => line.includes('»')),
    'no status left on screen at the end',
  );
});

t.test('off a terminal: only the per-task start and end lines', async (t) => {
  const dir = tempProject({ 'deployfile.ts': deployfile });
  const result = await runMain(['-j2', '--no-summary'], { cwd: dir });
  t.notMatch(result.stdout, /»|\u001b\[2K/);
  t.match(result.stdout, /^alpha │ ▶ for i in/m);
  t.match(result.stdout, /^gamma │ ✓ ok in \d+ms$/m);
});
