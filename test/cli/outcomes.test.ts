// Each way a deploy can end, end to end on real deployfiles and real processes (the CLI
// in-process): what the terminal, the report, history, the Gantt chart and the trace say.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { RunReport } from '../../lib/reports/run-report.js';
import type { Trace } from '../../lib/views/trace.js';
import { copyExample, FakeSignals, isAlive, readJson, runMain, tempProject } from '../helpers/cli.js';

const header = "import { pipeline } from 'stagerun';\n";
const byName = (report: RunReport) => Object.fromEntries(report.tasks.map((task) => [task.name, task]));

t.test("accepted outcomes: CloudFormation's exit 255 and its message end no-change, a success", async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}const p = pipeline();
p.task('cfn', { run: 'echo "No changes to deploy. Stack app is up to date"; exit 255', okExitCodes: [0, 255] });
p.task('pattern', { run: 'echo "No changes to deploy"; exit 255', noChange: /No changes to deploy/ });
p.task('real', { run: 'echo deployed', noChange: 'No changes to deploy' });
p.task('broken', { run: 'exit 254', okExitCodes: [0, 255] });
p.task('after', { run: 'true', deps: ['cfn', 'pattern', 'real'] });
export default p;
`,
  });
  const result = await runMain(['after', '--report', 'r.json', '--gantt'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  const report = byName(readJson<RunReport>(path.join(dir, 'r.json')));
  t.same([report.cfn!.status, report.pattern!.status, report.real!.status, report.after!.status], ['no-change', 'no-change', 'ok', 'ok']);
  t.equal(report.cfn!.exitCode, 255);
  t.match(result.stdout, /^cfn +│ ○ no change: exit code 255 \(one of okExitCodes\) in \d+ms$/m);
  t.match(result.stdout, /^pattern +│ ○ no change: output matched \/No changes to deploy\/ in \d+ms$/m);
  t.match(result.stdout, /^cfn +1 +\d+ms +\d+ms +○ no-change$/m, 'the summary marks it');
  t.match(result.stdout, /░ no change/, 'the Gantt chart has a mark for it');
  const broken = await runMain(['broken'], { cwd: dir });
  t.equal(broken.code, 1, 'a code that is not listed fails');
});

t.test('time-outs: the whole process tree is ended at the limit; the message names task, limit and time', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}const p = pipeline();
p.task('hang', { run: 'sh -c "echo \\\\$\\\\$ > child.pid; exec sleep 30" & echo $$ > shell.pid; wait', timeout: '400ms' });
p.task('after', { run: 'touch ran-after', deps: ['hang'] });
p.task('fn', { run: ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined))), timeout: 300 });
export default p;
`,
  });
  const result = await runMain(['after', 'fn', '-k', '--report', 'r.json', '--profile', 't.json', '--gantt'], { cwd: dir });
  t.equal(result.code, 1);
  const report = byName(readJson<RunReport>(path.join(dir, 'r.json')));
  t.equal(report.hang!.status, 'timeout');
  t.match(report.hang!.reason, /^timed out after 4\d\dms \(limit 400ms\)$/);
  t.ok(report.hang!.durationMs! >= 400 && report.hang!.durationMs! < 2000, `ended at its limit (${report.hang!.durationMs} ms)`);
  t.equal(report.hang!.attempts[0]!.outcome, 'timed-out');
  t.equal(report.after!.status, 'skipped');
  t.notOk(existsSync(path.join(dir, 'ran-after')));
  t.equal(report.fn!.status, 'timeout', "a function task's AbortSignal fires at the limit");
  for (const file of ['shell.pid', 'child.pid'])
    t.notOk(isAlive(Number(readFileSync(path.join(dir, file), 'utf8'))), `no process of the task survives (${file})`);
  t.match(result.stdout, /^hang +│ ⧖ timed out after 4\d\dms \(limit 400ms\)$/m);
  t.match(result.stdout, /^⧖ hang timed out after 4\d\dms \(limit 400ms\)$/m, 'and again at the end, with its last lines');
  t.match(result.stdout, /^hang +1 +\d+ms +4\d\dms +⧖ timeout$/m);
  t.match(result.stdout, /^hang .*▚+ ⧖ timeout$/m, 'the Gantt chart has its own bar');
  const trace = readJson<Trace>(path.join(dir, 't.json'));
  t.match(
    trace.traceEvents.find((event) => event.name === 'hang'),
    { args: { status: 'timeout', outcome: 'timed-out' } },
  );
});

t.test("the run's own time limit: --timeout stops what runs and cancels the rest", async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}const p = pipeline();
p.task('slow', { run: 'sleep 20' });
p.task('next', { run: 'touch ran-next', deps: ['slow'] });
p.task('quick', { run: 'true' });
export default p;
`,
  });
  const result = await runMain(['next', 'quick', '-j2', '--timeout', '300ms', '--report', 'r.json'], { cwd: dir });
  t.equal(result.code, 1);
  t.ok(result.ms < 5000, `ended at the limit (${Math.round(result.ms)} ms)`);
  const report = readJson<RunReport>(path.join(dir, 'r.json'));
  t.same(
    report.tasks.map((task) => [task.name, task.status]),
    [
      ['slow', 'timeout'],
      ['next', 'skipped'],
      ['quick', 'ok'],
    ],
  );
  t.equal(report.timeoutMs, 300);
  t.match(result.stdout, /stagerun: the run's time limit was reached; stopping 1 running task \(slow\)/);
  t.match(result.stdout, /slow +│ ⧖ stopped at the run's time limit \(300ms\)/);
  const bad = await runMain(['quick', '--timeout', 'soon'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--timeout must be a duration such as '15m', '90s', '250ms', or a number of seconds \(got 'soon'\)/);
  const zero = await runMain(['quick', '--timeout', '0'], { cwd: dir });
  t.equal(zero.code, 2);
  t.match(zero.stderr, /^stagerun: --timeout must be more than 0; leave it out for no limit \(got '0'\)$/m);
});

t.test('retries: every attempt recorded; flaky in the summary; history shows the flaky rate', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}const p = pipeline();
p.task('smoke', { run: 'echo "attempt $STAGERUN_ATTEMPT"; [ "$STAGERUN_ATTEMPT" -ge 2 ]', retries: 2, retryDelay: '100ms' });
p.task('hopeless', { run: 'echo nope; exit 7', retries: 1 });
export default p;
`,
  });
  const result = await runMain(['smoke', '--report', 'r.json', '--gantt'], { cwd: dir });
  t.equal(result.code, 0, result.stderr);
  const smoke = byName(readJson<RunReport>(path.join(dir, 'r.json'))).smoke!;
  t.equal(smoke.status, 'ok');
  t.equal(smoke.flaky, true);
  t.same(
    smoke.attempts.map((attempt) => [attempt.number, attempt.outcome, attempt.exitCode]),
    [
      [1, 'exited', 1],
      [2, 'exited', 0],
    ],
  );
  t.ok(smoke.attempts[1]!.startMs - smoke.attempts[0]!.endMs >= 95, 'the retry waited its delay');
  t.match(result.stdout, /^smoke +│ ↻ attempt 1 failed \(exit code 1\); retrying in 100ms$/m);
  t.match(result.stdout, /^smoke +│ ▶ .* \(attempt 2 of 3\)$/m);
  t.match(result.stdout, /^smoke +1 +\d+ms +\d+ms +✓ ok \(flaky: 2 attempts\)$/m);
  t.match(result.stdout, /1 ok, 1 flaky; makespan/);
  t.match(result.stdout, /^smoke .*▓+·+[█▒]+ \d+ms ↻ 2 attempts$/m, 'the Gantt chart shows the failed attempt, the wait and the retry');
  const hopeless = await runMain(['hopeless'], { cwd: dir });
  t.equal(hopeless.code, 1);
  t.match(hopeless.stdout, /^✗ hopeless failed: exit code 7 \(attempt 2 of 2\)/m);
  t.match(hopeless.stdout, /^ {2}attempts: 1: exited 7 after \d+ms; 2: exited 7 after \d+ms$/m);
  const history = await runMain(['history', '--format', 'json'], { cwd: dir });
  const data = JSON.parse(history.stdout) as { tasks: { name: string; flakyRate: number; successRate: number }[] };
  t.match(
    data.tasks.find((task) => task.name === 'smoke'),
    { flakyRate: 1, successRate: 1 },
  );
  const table = await runMain(['history'], { cwd: dir });
  t.match(table.stdout, /^task +runs +ok +flaky +p50 +p95 +max$/m);
  t.match(table.stdout, /^smoke +1 +100% +100% /m);
});

const gated = `${header}const p = pipeline();
p.task('build', { run: 'true' });
p.task('prod', { run: 'touch deployed', deps: ['build'], approval: 'Deploy to production?' });
p.task('announce', { run: 'touch announced', deps: ['prod'] });
p.task('docs', { run: 'touch docs' });
export default p;
`;

t.test('approval: no terminal and no approval ends needs-approval, names the flag, exits 3; others still run', async (t) => {
  const dir = tempProject({ 'deployfile.ts': gated });
  const result = await runMain(['announce', 'docs', '--report', 'r.json'], { cwd: dir });
  t.equal(result.code, 3);
  const report = byName(readJson<RunReport>(path.join(dir, 'r.json')));
  t.same(
    [report.build!.status, report.prod!.status, report.announce!.status, report.docs!.status],
    ['ok', 'needs-approval', 'skipped', 'ok'],
  );
  t.match(result.stdout, /^prod +│ \? not approved: no terminal to ask on; pass --approve prod \(or --approve-all\) to approve it$/m);
  t.match(result.stdout, /^\? announce docs \(-j\d+, dag\): 2 ok, 1 needs-approval, 1 skipped; makespan/m);
  t.notOk(existsSync(path.join(dir, 'deployed')));
});

t.test('approval: --approve NAME and --yes approve ahead; an unknown name is refused before anything runs', async (t) => {
  const dir = tempProject({ 'deployfile.ts': gated });
  const approved = await runMain(['announce', '--approve', 'prod'], { cwd: dir });
  t.equal(approved.code, 0, approved.stderr);
  t.match(approved.stdout, /^prod +│ ✓ approved \(--approve prod\)$/m);
  t.ok(existsSync(path.join(dir, 'announced')));
  const yes = await runMain(['announce', '--yes'], { cwd: dir });
  t.equal(yes.code, 0);
  t.match(yes.stdout, /^prod +│ ✓ approved \(all gates approved ahead\)$/m);
  t.match(yes.stderr, /--yes on a run approves every gate, as --approve-all does; use --approve-all/, 'said to be deprecated');
  const all = await runMain(['announce', '--approve-all'], { cwd: dir });
  t.match(all.stdout, /^prod +│ ✓ approved \(all gates approved ahead\)$/m);
  t.equal(all.stderr.includes('deprecated'), false);
  const typo = await runMain(['announce', '--approve', 'prdo'], { cwd: dir });
  t.equal(typo.code, 2);
  t.match(
    typo.stderr,
    /^stagerun: cannot approve 'prdo': it is not a task with an approval gate, nor a service with one, among the tasks this run plans$/m,
  );
  t.match(typo.stderr, /gated tasks: prod \(did you mean prod\?\)/);
});

t.test('approval on a terminal: asked while other tasks run; the progress line steps aside; the wait is reported apart', async (t) => {
  const dir = tempProject({
    'deployfile.ts': gated.replace("p.task('docs', { run: 'touch docs' });", "p.task('docs', { run: 'sleep 0.3; echo docs built' });"),
  });
  const yes = await runMain(['announce', 'docs', '-j2', '--report', 'r.json'], {
    cwd: dir,
    tty: true,
    answers: [{ answer: 'y', afterMs: 500 }],
    env: { TERM: 'xterm' },
  });
  t.equal(yes.code, 0, yes.stderr);
  t.same(yes.prompts, ['? Deploy to production? [prod] (y/N) ']);
  t.match(yes.stdout, /prod +│ ✓ approved \(the prompt\)$/m);
  const whileAsked = yes.stdout.slice(yes.stdout.indexOf('<<asked>>'), yes.stdout.indexOf('<<answered>>'));
  t.match(whileAsked, /docs +│ docs built/, 'another task printed while the question was open');
  t.notMatch(whileAsked, /»/, 'the progress line stepped aside');
  const report = byName(readJson<RunReport>(path.join(dir, 'r.json')));
  t.type(report.prod!.approvalWaitMs, 'number');
  t.match(yes.stdout, /task +stage +start +duration +approval wait +status/);
  const no = await runMain(['announce'], { cwd: dir, tty: true, answers: ['n'] });
  t.equal(no.code, 3);
  t.match(no.stdout, /not approved: declined at the prompt/);
});

t.test('Ctrl-C while a question is open: the question is withdrawn, nothing gated starts, exit 130', async (t) => {
  const dir = tempProject({ 'deployfile.ts': gated });
  const signals = new FakeSignals();
  const closed: string[] = [];
  // The person never answers: only the interrupt can end this run.
  const result = await runMain(['announce', '--report', 'r.json'], {
    cwd: dir,
    tty: true,
    signals,
    answers: [{ answer: 'y', afterMs: 60_000 }],
    onClose: (question) => closed.push(question),
    onStart: () => setTimeout(() => signals.send('SIGINT'), 400),
  });
  t.equal(result.code, 130);
  t.ok(result.ms < 10_000, `ended in ${Math.round(result.ms)} ms, not when the answer came`);
  t.same(closed, ['? Deploy to production? [prod] (y/N) '], 'the question was withdrawn');
  const report = byName(readJson<RunReport>(path.join(dir, 'r.json')));
  t.equal(report.build!.status, 'ok');
  t.equal(report.prod!.status, 'cancelled', 'the gated task never started');
  t.equal(report.announce!.status, 'cancelled');
  t.notOk(existsSync(path.join(dir, 'deployed')), 'its command did not run');
});

t.test('resources: tasks that use one of capacity 1 never overlap', async (t) => {
  const dir = tempProject({
    'deployfile.ts': `${header}const p = pipeline({ resources: { 'prod-db': 1 } });
p.task('m1', { run: 'sleep 0.2', uses: ['prod-db'] });
p.task('m2', { run: 'sleep 0.2', uses: ['prod-db'] });
p.task('other', { run: 'sleep 0.2' });
export default p;
`,
  });
  const result = await runMain(['m1', 'm2', 'other', '-j3', '--report', 'r.json', '--dry-run'], { cwd: dir });
  t.match(result.stdout, /with: uses prod-db/);
  const run = await runMain(['m1', 'm2', 'other', '-j3', '--report', 'r.json'], { cwd: dir });
  t.equal(run.code, 0, run.stderr);
  const report = byName(readJson<RunReport>(path.join(dir, 'r.json')));
  const [first, second] = [report.m1!, report.m2!].sort((a, b) => a.startMs! - b.startMs!);
  t.ok(first!.endMs! <= second!.startMs!, 'the second starts when the first ends');
  t.ok(report.other!.startMs! < first!.endMs!, 'an unrelated task did not wait');
  const typo = tempProject({
    'deployfile.ts': `${header}const p = pipeline({ resources: { 'prod-db': 1 } });\np.task('m', { run: 'true', uses: ['prod-dbb'] });\nexport default p;\n`,
  });
  const refused = await runMain(['m'], { cwd: typo });
  t.equal(refused.code, 2);
  t.match(
    refused.stderr,
    /deployfile\.ts:3: task 'm' uses resource 'prod-dbb', which the pipeline does not declare \(did you mean 'prod-db'\?\)/,
  );
});

t.test('the release example: every outcome in one realistic pipeline', async (t) => {
  const dir = copyExample('release-pipeline');
  const result = await runMain(['-j3', '--yes', '--report', 'r.json'], { cwd: dir, env: { STAND_IN_SCALE: '0.05' } });
  t.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  const report = byName(readJson<RunReport>(path.join(dir, 'r.json')));
  t.equal(report['infra:deploy']!.status, 'no-change');
  t.equal(report.smoke!.flaky, true);
  t.equal(report['deploy-production']!.status, 'ok');
  const [migrate, verify] = [report['db:migrate']!, report['db:verify']!];
  t.ok(migrate.endMs! <= verify.startMs!, 'the database is used by one task at a time');
  const dry = await runMain(['--dry-run'], { cwd: dir });
  t.match(dry.stdout, /with: approval: "Deploy api and web to production\?"; time limit 15m00s/);
});

t.test('compare: --yes only skips the question; --approve-all approves the gates; an unapproved gate exits 3, as a run does', async (t) => {
  const dir = tempProject({
    'deployfile.ts':
      "import { pipeline } from 'stagerun';\nconst p = pipeline();\np.task('gated', { run: 'true', approval: 'Go?' });\nexport default p;\n",
  });
  const unapproved = await runMain(['compare', 'gated', '-j', '1,2', '--yes'], { cwd: dir });
  t.equal(unapproved.code, 3, 'needs-approval, as a run says it');
  t.match(unapproved.stdout + unapproved.stderr, /has an approval gate no one approved; pass --approve-all or --approve NAME/);
  const approved = await runMain(['compare', 'gated', '-j', '1,2', '--yes', '--approve-all'], { cwd: dir });
  t.equal(approved.code, 0, approved.stderr);
});
