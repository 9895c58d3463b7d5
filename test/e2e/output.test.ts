// Output that is big, fast or hostile, through the real bin: a slow reader holds the task
// back instead of filling stagerun's memory, nothing is lost, and escapes do not act.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cliPath, runCli, tempProject } from '../helpers/cli.js';

t.test('a reader that does not keep up holds the task back; every line arrives', async (t) => {
  const lines = 400_000;
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('flood', { run: 'seq 1 ${lines} | sed "s/$/ and some more text to make the line longer/"; touch done' });
export default p;
`,
  });
  const child = spawn(process.execPath, [cliPath, 'flood', '--no-summary', '--no-history'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child.stdout.pause();
  // ~20 MB to write; nothing reads stagerun's output for a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.notOk(existsSync(path.join(dir, 'done')), 'the task waits for the reader, as it would at a slow terminal');
  let seen = 0;
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const text = rest + chunk;
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const part of parts) if (/^flood │ \d+ and some more/.test(part)) seen++;
  });
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 0);
  t.equal(seen, lines, 'no line lost');
  t.ok(existsSync(path.join(dir, 'done')));
});

t.test('escape sequences a task prints do not reach the terminal raw', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline();
p.task('rude', { run: 'printf "\\\\033[2J\\\\033[Hfake \\\\342\\\\234\\\\223 ok\\\\n\\\\033]0;title\\\\007\\\\n"' });
export default p;
`,
  });
  const result = await runCli(['rude'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  t.notOk(result.stdout.includes('\u001b[2J'), 'no clear screen');
  t.notOk(result.stdout.includes('\u001b]0;'), 'no window title');
  t.match(result.stdout, /rude +│ ␛\[2J␛\[Hfake ✓ ok/, 'shown, visibly, under its name');
});
