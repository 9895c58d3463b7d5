/** `stagerun [targets..]`: load, check, plan, then list, draw, dry-run or run. */
import { UnknownTargetError, UsageError } from '../../lib/errors.js';
import type { Sink } from '../../lib/events/events.js';
import { shownPlan } from '../../lib/events/secrets.js';
import type { Freshness, Verdict } from '../../lib/keys/freshness.js';
import { readFreshness } from '../../lib/keys/up-to-date.js';
import { createPlan, type Plan, type PlanOptions } from '../../lib/plan/plan.js';
import type { ResolvedPipeline } from '../../lib/plan/resolve.js';
import type { History } from '../../lib/reports/history.js';
import { exitCodeOf, type RunReport } from '../../lib/reports/run-report.js';
import { defaultJobs } from '../../lib/run/execute.js';
import { type Resumed, resumeFrom } from '../../lib/run/resume.js';
import { startRun } from '../../lib/run/run.js';
import { type CiSystem, ciStyle, detectCi, stepSummarySink } from '../../lib/sinks/ci.js';
import { createProgress } from '../../lib/sinks/progress.js';
import { createTerminalReporter, type OutputMode } from '../../lib/sinks/terminal.js';
import { checkOutputFile, writeFileAtomic } from '../../lib/util/outputs.js';
import { closest } from '../../lib/util/suggest.js';
import { renderGantt } from '../../lib/views/gantt.js';
import { renderDot, renderMermaid } from '../../lib/views/graph.js';
import { renderDryRun, renderList } from '../../lib/views/plan.js';
import { toTrace } from '../../lib/views/trace.js';
import { COMMAND_NAMES } from '../app.js';
import { promptApprover } from '../approve.js';
import { list, seconds, timeLimit, wholeNumber } from '../args.js';
import { explain } from '../explain.js';
import { printFailure, warn } from '../fail.js';
import type { CliIo } from '../io.js';
import { runMachine } from '../machine.js';
import { loadProject } from '../project.js';
import { passThrough, scopedTargets, selectionOf } from '../selection.js';
import { hasFunctionTasks, listenForInterrupts } from '../signals.js';
import { canRedraw, colorLevel, columnsOf, screenOn } from '../terminal.js';
import type { RunArgs } from './run-spec.js';

/** Targets scoped to the service whose directory stagerun runs in, said when it changes them. */
function scoped(resolved: ResolvedPipeline, targets: readonly string[], io: CliIo): string[] {
  const result = scopedTargets(resolved, io.cwd, targets);
  if (result.note) warn(io, result.note);
  return result.targets;
}

/** `stagerun comapre deploy` reads as targets: if the first one is close to a command, say so. */
function planOrSuggestCommand(resolved: ResolvedPipeline, targets: string[], options: PlanOptions) {
  try {
    return createPlan(resolved, targets, options);
  } catch (error) {
    if (error instanceof UnknownTargetError && error.target === targets[0]) {
      const command = closest(error.target, COMMAND_NAMES);
      if (command) error.hints.push(`or did you mean the command: stagerun ${command} ${targets.slice(1).join(' ')}`.trimEnd());
    }
    throw error;
  }
}

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  // Armed once the deployfile has loaded (see signals.ts): a Ctrl-C during a blocking function task is then ours to handle.
  const interrupts = listenForInterrupts(io.signals);
  try {
    return await runWith(args, io, interrupts);
  } finally {
    interrupts.release();
  }
}

async function runWith(args: RunArgs, io: CliIo, interrupts: ReturnType<typeof listenForInterrupts>): Promise<number> {
  const jobs = wholeNumber('-j/--jobs', args.jobs);
  const timeoutMs = timeLimit('--timeout', args.timeout);
  const grace = seconds('--grace', args.grace)!;
  const historyLimit = wholeNumber('--history-limit', args.historyLimit)!;
  const tailLines = wholeNumber('--tail', args.tail);
  if (args.yes)
    warn(io, '--yes on a run approves every gate, as --approve-all does; use --approve-all (on compare, --yes only means "do not ask")');
  const graph = args.graph === undefined ? undefined : args.graph === '' ? 'dot' : args.graph;
  if (graph !== undefined && graph !== 'dot' && graph !== 'mermaid') {
    throw new UsageError(`--graph must be dot or mermaid (got ${JSON.stringify(args.graph)})`);
  }
  const words = passThrough(args);
  checkOutputFile('--report', args.report, io.cwd);
  checkOutputFile('--profile', args.profile, io.cwd);
  const { file, resolved, history } = await loadProject(args, io);
  interrupts.arm();
  const print = (lines: string | string[]) => io.stdout.write(`${Array.isArray(lines) ? lines.join('\n') : lines}\n`);
  if (args.list) {
    print(renderList(resolved));
    return 0;
  }
  // --explain T explains T, whatever the targets: its key is the same whichever of them runs it.
  const plan =
    args.explain !== undefined && resolved.byName.has(args.explain)
      ? createPlan(resolved, [args.explain])
      : planOrSuggestCommand(resolved, scoped(resolved, args.targets ?? [], io), selectionOf(args, words));
  if (graph !== undefined) {
    print(graph === 'dot' ? renderDot(plan) : renderMermaid(plan));
    return 0;
  }
  // A Ctrl-C while inputs are hashed stops the hashing; the run then starts nothing (exit 130).
  const freshness = await freshnessOf(plan, file, args, io, interrupts.signal).catch((error: unknown) => {
    if (interrupts.signal.aborted) return undefined;
    throw error;
  });
  if (interrupts.signal.aborted && (args.explain !== undefined || args.dryRun)) return 130;
  if (args.explain !== undefined) {
    print(explain(plan, freshness, args.explain));
    return 0;
  }
  const resumed = args.resume ? resume(plan, history, freshness, io) : undefined;
  if (args.dryRun) {
    print(renderDryRun(shownPlan(plan, io.env), jobs ?? defaultJobs(), args.schedule, verdictsWith(freshness, resumed)));
    return 0;
  }

  const { named: _, ...machine } = runMachine(args.machine, io.env);
  const { durations, attempts } = history.durations(
    plan.tasks.map((task) => task.name),
    machine.name,
  );
  const level = colorLevel(io.stdout, args.color, io.env);
  const screen = screenOn(io.stdout, io.stderr, canRedraw(io.stdout, io.env), io.ask);
  const sinks: Sink[] = [];
  const ci = args.ci === 'none' ? undefined : ((args.ci as CiSystem | undefined) ?? detectCi(io.env));
  // Progress goes first so that its line is gone before the final summary prints; a CI log gets none.
  if (args.progress ?? (canRedraw(io.stdout, io.env) && !ci))
    sinks.push(createProgress({ screen, durations, width: () => columnsOf(io.stdout), now: () => io.clock.now() }));
  sinks.push(
    createTerminalReporter({
      screen,
      colorLevel: level,
      output: args.output as OutputMode,
      summary: args.summary,
      tailLines,
      ci: ci ? ciStyle(ci) : undefined,
    }),
  );
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (ci === 'github' && summaryFile)
    sinks.push(stepSummarySink(summaryFile, (error) => warn(io, `the job summary was not written: ${error.message}`)));

  if (hasFunctionTasks(plan)) interrupts.guardLoop(grace * 1000);
  const handle = await startRun(plan, {
    tailLines,
    jobs,
    schedule: args.schedule as RunArgs['schedule'] & ('dag' | 'stages'),
    keepGoing: args.keepGoing,
    graceMs: grace * 1000,
    durations,
    attempts,
    machine,
    sinks,
    env: io.env,
    colorLevel: level,
    signal: interrupts.signal,
    clock: io.clock,
    timeoutMs,
    approve: args.approveAll || args.yes ? true : list(args.approve),
    approver: promptApprover(screen),
    freshness,
    kept: resumed?.kept,
    upToDate: freshness !== undefined,
    history: args.history ? history : false,
    historyLimit,
    onWarning: (reason) => warn(io, reason),
    pressure: io.pressure,
  });
  interrupts.attach(handle);
  const report = await handle.report;
  interrupts.detach();
  if (args.gantt) print(['', ...renderGantt(report, { width: columnsOf(io.stdout), colorLevel: level })]);
  return writeOutputs(report, args, io);
}

/** `--resume`: the latest recorded run of these targets, said; without one, a usage error (exit 2). */
function resume(plan: Plan, history: History, freshness: Freshness | undefined, io: CliIo): Resumed {
  const resumed = resumeFrom(plan, history.runs(), freshness);
  if (!resumed) {
    const error = new UsageError(`--resume: no recorded run of ${plan.requested.join(' ')} to resume`);
    error.hints.push(`runs are recorded in ${history.file}; run it without --resume first`);
    throw error;
  }
  const left = plan.tasks.filter((task) => task.run !== undefined && !resumed.kept.has(task.name)).length;
  warn(
    io,
    `resuming run ${resumed.run.id} (${resumed.run.status}): ${resumed.kept.size} task${resumed.kept.size === 1 ? '' : 's'} kept, ${left} to run`,
  );
  return resumed;
}

/** The verdicts `--dry-run` shows: by content keys, and kept from the run resumed. */
function verdictsWith(freshness: Freshness | undefined, resumed: Resumed | undefined): ReadonlyMap<string, Verdict> | undefined {
  if (!resumed) return freshness?.verdicts;
  const verdicts = new Map(freshness?.verdicts);
  for (const [name, reason] of resumed.kept) verdicts.set(name, { upToDate: true, reasons: [reason] });
  return verdicts;
}

/** --report and --profile, after the run: a write that fails now is reported, but never hides a failed run's exit code. */
function writeOutputs(report: RunReport, args: RunArgs, io: CliIo): number {
  let code = exitCodeOf(report);
  const outputs: [string, string | undefined, () => string][] = [
    ['--report', args.report, () => `${JSON.stringify(report, null, 2)}\n`],
    ['--profile', args.profile, () => `${JSON.stringify(toTrace(report))}\n`],
  ];
  for (const [option, file, text] of outputs) {
    if (file === undefined) continue;
    try {
      writeFileAtomic(option, file, text(), io.cwd);
    } catch (error) {
      const failed = printFailure(error, io);
      if (code === 0) code = failed;
    }
  }
  return code;
}

/** Content keys, when any planned task declares inputs: which tasks are up to date, and why. */
export async function freshnessOf(
  plan: Plan,
  deployfile: string,
  args: { force?: string | undefined },
  io: CliIo,
  signal?: AbortSignal,
): Promise<Freshness | undefined> {
  // A bare --force is everything; --force NAME (repeatable) those tasks and what depends on them.
  const named = list(args.force);
  const force = args.force === undefined ? undefined : named.length === 0 ? true : named;
  return readFreshness(plan, deployfile, { env: io.env, force, signal, onWarning: (reason) => warn(io, reason) });
}
