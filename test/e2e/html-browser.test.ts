/// <reference lib="dom" />
// The HTML report opened in real headless Chromium (puppeteer-core, the system's browser):
// the release example's run (a no-change, a flaky retry, a pending approval, up-to-date
// builds), a merged CI run and a failed run. Each page shows every task with its status and
// the critical path, logs no script error, fetches nothing, highlights on hover, screenshots
// and prints. Skipped, saying so, where no Chromium can be had.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import { findChromium, launchChromium, pngSize } from '../helpers/browser.js';
import { copyExample, runCli, tempProject } from '../helpers/cli.js';
import type { Tap } from '../helpers/tap.js';

const chromium = findChromium();
const skip = chromium
  ? false
  : "no Chromium here (install Debian's chromium, or set STAGERUN_CHROMIUM): the HTML page was not opened in a browser";

/** `report --format html` and `--format json` of the same run, the page written to a file. */
async function pages(dir: string, args: string[]): Promise<{ file: string; run: RunReport; bytes: number }> {
  const html = await runCli(['report', ...args, '--format', 'html'], { cwd: dir });
  const json = await runCli(['report', ...args, '--format', 'json'], { cwd: dir });
  if (html.code !== 0 || json.code !== 0) throw new Error(`report failed: ${html.stderr}${json.stderr}`);
  const file = path.join(dir, `page-${Math.random().toString(36).slice(2)}.html`);
  writeFileSync(file, html.stdout);
  return { file, run: JSON.parse(json.stdout) as RunReport, bytes: Buffer.byteLength(html.stdout) };
}

const shown = (task: RunReport['tasks'][number]) => (task.flaky ? 'flaky' : task.status);

async function checkPage(t: Tap, browser: Awaited<ReturnType<typeof launchChromium>>['browser'], page: { file: string; run: RunReport }) {
  const tab = await browser.newPage();
  const problems: string[] = [];
  const url = `file://${page.file}`;
  tab.on('pageerror', (error) => problems.push(`script error: ${String(error)}`));
  tab.on('console', (message) => problems.push(`console ${message.type()}: ${message.text()}`));
  tab.on('request', (request) => {
    if (request.url() !== url) problems.push(`fetched ${request.url()}`);
  });
  await tab.setViewport({ width: 1200, height: 900 });
  await tab.goto(url, { waitUntil: 'load' });
  const dom = await tab.evaluate(() => {
    const read = (selector: string) =>
      Array.from(document.querySelectorAll(selector)).map((el) => [el.getAttribute('data-task'), el.getAttribute('data-status')]);
    return {
      graph: read('svg.graph g.node'),
      table: read('table.tasks tr[data-task]'),
      critical: Array.from(document.querySelectorAll('svg.graph g.node[data-critical="true"]')).map((el) => el.getAttribute('data-task')),
      bars: document.querySelectorAll('svg.gantt g.bar').length,
      tails: Array.from(document.querySelectorAll('pre.tail')).map((el) => [el.getAttribute('data-task'), el.textContent]),
      scripts: document.scripts.length,
      graphWidth: document.querySelector('svg.graph')!.getBoundingClientRect().width,
    };
  });
  const want = page.run.tasks.map((task) => [task.name, shown(task)]);
  t.same(dom.graph, want, 'every task in the graph, with its status');
  t.same(dom.table, want, 'every task in the table, with its status');
  t.same([...dom.critical].sort(), [...page.run.criticalPath].sort(), 'the critical path is marked');
  t.equal(
    dom.bars,
    page.run.tasks.reduce((sum, task) => sum + task.attempts.length, 0),
    'a bar per attempt',
  );
  t.ok(dom.graphWidth > 300, `the graph is drawn (${Math.round(dom.graphWidth)} px wide)`);
  // The script ran (the policy let it): hovering a task highlights it in the table too.
  const name = page.run.tasks[0]!.name;
  await tab.hover(`svg.graph g.node[data-task="${name}"]`);
  t.ok(
    await tab.$eval(`table.tasks tr[data-task="${name}"]`, (row) => row.classList.contains('hl')),
    'hover highlights the task everywhere',
  );
  // A click on the last task's box brings its row into view.
  const last = page.run.tasks.at(-1)!.name;
  await tab.click(`svg.graph g.node[data-task="${last}"]`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const inView = await tab.$eval(`table.tasks tr[data-task="${last}"]`, (row) => {
    const box = row.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  t.ok(inView, "a click on a task's box shows its row");
  const png = await tab.screenshot({ fullPage: true });
  const size = pngSize(png);
  t.equal(size.width, 1200);
  t.ok(size.height > 900 && size.height < 8000, `a full-page screenshot ${size.width}×${size.height}, ${png.length} bytes`);
  t.ok(png.length > 30_000, 'and not blank');
  const pdf = await tab.pdf({ format: 'A4' });
  t.ok(pdf.length > 10_000, `it prints (${pdf.length} bytes of PDF)`);
  t.same(problems, [], 'no script error, no console message, nothing fetched');
  await tab.close();
  return dom;
}

t.test('the HTML report in headless Chromium', { skip }, async (t) => {
  const { browser, close } = await launchChromium(chromium!);
  t.teardown(close);

  t.test('the release example: no-change, flaky retry, pending approval, then up to date', async (t) => {
    const dir = copyExample('release-pipeline');
    const env = { STAND_IN_SCALE: '0.1' };
    t.equal((await runCli(['-j2'], { cwd: dir, env })).code, 3, 'the first run waits for approval');
    t.equal((await runCli(['-j2'], { cwd: dir, env })).code, 3);
    const page = await pages(dir, []);
    const statuses = new Set(page.run.tasks.map(shown));
    for (const status of ['no-change', 'flaky', 'needs-approval', 'up-to-date', 'ok', 'skipped'])
      t.ok(statuses.has(status as never), `has ${status}`);
    t.comment(`the release example's page: ${page.bytes} bytes`);
    t.ok(page.bytes < 60_000, `small: ${page.bytes} bytes`);
    await checkPage(t, browser, page);
  });

  t.test('a merged CI run: each job a lane', async (t) => {
    const dir = copyExample('release-pipeline');
    const env = { STAND_IN_SCALE: '0.1' };
    for (const task of ['infra:deploy', 'db:migrate', 'api:build'])
      t.equal((await runCli([task, '--no-deps', '--report', `stagerun-report-${task.replace(':', '-')}.json`], { cwd: dir, env })).code, 0);
    const page = await pages(dir, ['--merge']);
    t.equal(page.run.mergedFrom, 3);
    await checkPage(t, browser, page);
  });

  t.test("a failed run: the task's last lines, masked", async (t) => {
    const dir = tempProject({
      'deployfile.ts': `import { pipeline } from 'stagerun';
const p = pipeline({ secrets: ['API_TOKEN'] });
p.task('build', { run: 'echo built' });
p.task('deploy', { run: 'echo "token $API_TOKEN"; echo "<script>alert(1)</script>"; exit 4', deps: ['build'] });
export default p;
`,
    });
    t.equal((await runCli(['deploy'], { cwd: dir, env: { API_TOKEN: 'sekrit-value-42' } })).code, 1);
    const page = await pages(dir, []);
    const dom = await checkPage(t, browser, page);
    t.same(dom.tails, [['deploy', 'token ***\n<script>alert(1)</script>']], "the failed task's lines, as text");
    t.equal(dom.scripts, 1, "a task's output never becomes a script");
  });
});
