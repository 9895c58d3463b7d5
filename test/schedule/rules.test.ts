// The scheduler's pure rules, table by table: the task state machine, the admission rule and
// the classifier of an attempt's outcome.
import t from 'tap';
import type { Outcome } from '../../lib/executors/executor.js';
import type { TaskOptions } from '../../lib/model/model.js';
import { pipeline } from '../../lib/model/model.js';
import { createPlan, type PlanTask, validatePipeline } from '../../lib/plan/plan.js';
import { Admission } from '../../lib/schedule/admission.js';
import { type AttemptFacts, classify } from '../../lib/schedule/classify.js';
import { State, TaskStates } from '../../lib/schedule/task-state.js';

/** One planned task with these options (in stage `stage`: that many tasks before it in a chain). */
function planned(options: TaskOptions = {}, stage = 0): PlanTask {
  const p = pipeline({ resources: { db: 1, pool: 2 } });
  for (let i = 0; i < stage; i++) p.task(`before${i}`, { run: 'true', deps: i > 0 ? [`before${i - 1}`] : [] });
  p.task('it', { run: 'true', ...options, deps: stage > 0 ? [`before${stage - 1}`] : [] });
  return createPlan(validatePipeline(p, '/repo'), ['it']).byName.get('it')!;
}

t.test('task states: every allowed move, and every other one refused', async (t) => {
  const names = Object.keys(State) as (keyof typeof State)[];
  const allowed: Record<keyof typeof State, (keyof typeof State)[]> = {
    Waiting: ['AwaitingApproval', 'Ready', 'Settled'],
    AwaitingApproval: ['Ready', 'Settled'],
    Ready: ['Running', 'Parked', 'Settled'],
    Parked: ['Ready', 'Settled'],
    Running: ['RetryWait', 'Settled'],
    RetryWait: ['Ready', 'Settled'],
    Settled: [],
  };
  /** A state table with task 0 in `from`, reached by allowed moves. */
  const reach = (from: keyof typeof State): TaskStates => {
    const path: Record<keyof typeof State, (keyof typeof State)[]> = {
      Waiting: [],
      AwaitingApproval: ['AwaitingApproval'],
      Ready: ['Ready'],
      Parked: ['Ready', 'Parked'],
      Running: ['Ready', 'Running'],
      RetryWait: ['Ready', 'Running', 'RetryWait'],
      Settled: ['Settled'],
    };
    const states = new TaskStates(2);
    for (const step of path[from]) states.move(0, State[step]);
    return states;
  };
  for (const from of names) {
    for (const to of names) {
      const states = reach(from);
      if (allowed[from].includes(to)) {
        states.move(0, State[to]);
        t.ok(states.is(0, State[to]), `${from} → ${to}`);
        t.equal(states.count(State[to]), 1, `${from} → ${to}: counted`);
        t.equal(states.count(State.Waiting), to === 'Waiting' ? 2 : 1, 'the other task still waits');
      } else {
        t.throws(() => states.move(0, State[to]), /scheduler: task 0 cannot go from/, `${from} → ${to} refused`);
        t.ok(states.is(0, State[from]), 'a refused move changes nothing');
      }
    }
  }
});

t.test('admission: slots, the stage barrier and counted resources, case by case', async (t) => {
  const cases: {
    name: string;
    jobs: number;
    policy: 'dag' | 'stages';
    running: PlanTask[];
    task: PlanTask;
    blocker: string | undefined;
  }[] = [
    { name: 'a free slot', jobs: 2, policy: 'dag', running: [planned()], task: planned(), blocker: undefined },
    { name: 'no free slot', jobs: 1, policy: 'dag', running: [planned()], task: planned(), blocker: 'slots' },
    { name: 'a later stage, dag', jobs: 2, policy: 'dag', running: [], task: planned({}, 1), blocker: undefined },
    { name: 'a later stage, stages', jobs: 2, policy: 'stages', running: [], task: planned({}, 1), blocker: 'stage:stage:1' },
    { name: 'stage 0, stages', jobs: 2, policy: 'stages', running: [], task: planned(), blocker: undefined },
    { name: 'resource free', jobs: 3, policy: 'dag', running: [], task: planned({ uses: ['db'] }), blocker: undefined },
    {
      name: 'resource at capacity 1',
      jobs: 3,
      policy: 'dag',
      running: [planned({ uses: ['db'] })],
      task: planned({ uses: ['db'] }),
      blocker: 'resource:resource:db',
    },
    {
      name: 'resource of capacity 2 with one user',
      jobs: 3,
      policy: 'dag',
      running: [planned({ uses: ['pool'] })],
      task: planned({ uses: ['pool'] }),
      blocker: undefined,
    },
    {
      name: 'slots before resources',
      jobs: 1,
      policy: 'dag',
      running: [planned({ uses: ['db'] })],
      task: planned({ uses: ['db'] }),
      blocker: 'slots',
    },
  ];
  for (const each of cases) {
    const admission = new Admission({ jobs: each.jobs, policy: each.policy, resources: { db: 1, pool: 2 } });
    for (const task of each.running) admission.take(task);
    const blocker = admission.blocker(each.task);
    t.equal(
      blocker === undefined ? undefined : 'key' in blocker ? `${blocker.kind}:${blocker.key}` : blocker.kind,
      each.blocker,
      each.name,
    );
    t.equal(admission.hasSlot, each.running.length < each.jobs, `${each.name}: hasSlot`);
  }
  const admission = new Admission({ jobs: 2, policy: 'stages', resources: { db: 1 } });
  const user = planned({ uses: ['db'] });
  admission.take(user);
  t.same(admission.release(user), ['resource:db'], 'releasing names the freed resources');
  t.equal(admission.blocker(planned({ uses: ['db'] })), undefined, 'then the next user may start');
  t.equal(admission.openNextStage(), 'stage:1', 'opening a stage names it');
  t.equal(admission.openStage, 1);
  t.equal(admission.blocker(planned({}, 1)), undefined, 'and its tasks may start');
});

t.test('classify: what each outcome means, with and without retries, okExitCodes and noChange', async (t) => {
  const exited = (exitCode: number): Outcome => ({ kind: 'exited', exitCode });
  const facts = (outcome: Outcome, more: Partial<AttemptFacts> = {}): AttemptFacts => ({
    outcome,
    attempt: 1,
    matchedNoChange: false,
    durationMs: 1500,
    stopping: false,
    ...more,
  });
  const cases: { name: string; options?: TaskOptions; facts: AttemptFacts; verdict: object }[] = [
    { name: 'exit 0', facts: facts(exited(0)), verdict: { kind: 'settle', status: 'ok', reason: null } },
    { name: 'exit 3', facts: facts(exited(3)), verdict: { kind: 'settle', status: 'failed', reason: 'exit code 3' } },
    {
      name: 'exit 0 matching noChange',
      options: { noChange: /No changes/ },
      facts: facts(exited(0), { matchedNoChange: true }),
      verdict: { kind: 'settle', status: 'no-change', reason: 'output matched /No changes/' },
    },
    {
      name: 'exit 255 matching noChange',
      options: { noChange: /No changes/ },
      facts: facts(exited(255), { matchedNoChange: true }),
      verdict: { kind: 'settle', status: 'no-change', reason: 'output matched /No changes/' },
    },
    {
      name: 'an okExitCode',
      options: { okExitCodes: [255] },
      facts: facts(exited(255)),
      verdict: { kind: 'settle', status: 'no-change', reason: 'exit code 255 (one of okExitCodes)' },
    },
    {
      name: 'killed',
      facts: facts({ kind: 'signalled', signal: 'SIGKILL' }),
      verdict: { kind: 'settle', status: 'failed', reason: 'killed by SIGKILL' },
    },
    {
      name: 'a function threw',
      facts: facts({ kind: 'threw', message: 'boom' }),
      verdict: { kind: 'settle', status: 'failed', reason: 'boom' },
    },
    {
      name: 'timed out',
      facts: facts({ kind: 'timed-out', limitMs: 1000, exitCode: null, signal: 'SIGTERM' }),
      verdict: { kind: 'settle', status: 'timeout', reason: 'timed out after 1.50s (limit 1.00s)' },
    },
    {
      name: 'aborted',
      facts: facts({ kind: 'aborted', exitCode: 0, signal: null }),
      verdict: { kind: 'settle', status: 'interrupted', reason: null },
    },
    {
      name: 'could not start, with retries left: no retry',
      options: { retries: 2 },
      facts: facts({ kind: 'could-not-start', reason: 'command not found: x' }),
      verdict: { kind: 'settle', status: 'failed', reason: 'command not found: x' },
    },
    {
      name: 'failed with retries left: a retry after the delay',
      options: { retries: 2, retryDelay: 100 },
      facts: facts(exited(1)),
      verdict: { kind: 'retry', delayMs: 100, reason: 'exit code 1' },
    },
    {
      name: 'the second retry backs off',
      options: { retries: 2, retryDelay: 100, retryBackoff: 3 },
      facts: facts(exited(1), { attempt: 2 }),
      verdict: { kind: 'retry', delayMs: 300, reason: 'exit code 1' },
    },
    {
      name: 'out of retries',
      options: { retries: 2 },
      facts: facts(exited(1), { attempt: 3 }),
      verdict: { kind: 'settle', status: 'failed', reason: 'exit code 1 (attempt 3 of 3)' },
    },
    {
      name: 'no retry while the run stops',
      options: { retries: 2 },
      facts: facts(exited(1), { stopping: true }),
      verdict: { kind: 'settle', status: 'failed', reason: 'exit code 1' },
    },
    {
      name: 'a timed-out attempt is retried too',
      options: { retries: 1 },
      facts: facts({ kind: 'timed-out', limitMs: 1000, exitCode: null, signal: 'SIGTERM' }),
      verdict: { kind: 'retry', delayMs: 0, reason: 'timed out after 1.50s (limit 1.00s)' },
    },
  ];
  for (const each of cases) t.same(classify(planned(each.options), each.facts), each.verdict, each.name);
});

t.test('classify: the shell exits 127 or 126: command not found, or not executable, and no retry', async (t) => {
  const facts = (exitCode: number): AttemptFacts => ({
    outcome: { kind: 'exited', exitCode },
    attempt: 1,
    matchedNoChange: false,
    durationMs: 5,
    stopping: false,
  });
  t.same(classify(planned({ run: 'nosuchcmd --flag', retries: 2 }), facts(127)), {
    kind: 'settle',
    status: 'failed',
    reason: 'command not found: nosuchcmd (exit code 127 from the shell)',
  });
  t.same(classify(planned({ run: 'FOO=1 ./deploy.sh', retries: 2 }), facts(126)), {
    kind: 'settle',
    status: 'failed',
    reason: 'not executable: ./deploy.sh (exit code 126 from the shell)',
  });
  t.equal(classify(planned({ run: ['./tool'], retries: 2 }), facts(127)).kind, 'retry', "argv: 127 is the program's own exit code");
});
