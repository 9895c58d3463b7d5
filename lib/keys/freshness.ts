/**
 * Which tasks need to run, and why: each task's key against the key of its last successful
 * run, and, when they differ, the parts that differ (files added, changed or removed; the
 * command; variables; a dependency), so that `--dry-run` and `--explain` can say exactly
 * what made a task run.
 */

import PQueue from 'p-queue';
import { UsageError } from '../errors.js';
import type { Signal } from '../model/model.js';
import type { Plan, PlanTask } from '../plan/plan.js';
import { formatDuration } from '../util/format.js';
import { closest } from '../util/suggest.js';
import { type CheckResult, runCheck } from './check.js';
import { InputLister } from './inputs.js';
import { computeKeys, type KeyParts, type RecordedKey, type TaskKey } from './keys.js';

export interface Verdict {
  readonly upToDate: boolean;
  /** Why, most specific first: one line each. */
  readonly reasons: readonly string[];
}

export interface Freshness {
  /** The planned tasks' keys, and those of everything they need (planned or not). */
  readonly keys: ReadonlyMap<string, TaskKey>;
  readonly verdicts: ReadonlyMap<string, Verdict>;
  /** What the user should hear on every run: a pattern that matches no file, a check that could not run. */
  readonly warnings: readonly string[];
}

export interface FreshnessOptions {
  /** The environment tasks start from (for `inputsEnv`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The last successful run's record of each task. */
  recorded: ReadonlyMap<string, RecordedKey>;
  /** `true`: run everything; names: run these tasks (or services' tasks) and what depends on them. */
  force?: true | readonly string[];
  /** When keys were recorded, to say so; default: not said. */
  now?: number;
  /** Aborting it stops the hashing: the promise rejects with an AbortError. */
  signal?: Signal;
}

/** Whether any planned task declares inputs or a check: without any, no task can be up to date. */
export function usesInputs(plan: Plan): boolean {
  return plan.tasks.some((task) => task.settings.inputs.length > 0 || task.settings.check !== undefined);
}

/** The forced tasks: those named (a task, or a service's tasks) and everything that depends on them. */
export function forcedTasks(plan: Plan, force: true | readonly string[] | undefined): Map<string, string> {
  const forced = new Map<string, string>();
  if (force === undefined) return forced;
  if (force === true) {
    for (const task of plan.tasks) forced.set(task.name, '--force');
    return forced;
  }
  for (const name of force) {
    const named = plan.tasks.filter((task) => task.name === name || task.service === name);
    if (named.length === 0) {
      const suggestion = closest(name, [
        ...plan.tasks.map((task) => task.name),
        ...new Set(plan.tasks.flatMap((task) => (task.service ? [task.service] : []))),
      ]);
      throw new UsageError(
        `--force ${name}: no task or service of that name among the tasks this run plans${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
      );
    }
    const queue = named.map((task) => task.id);
    for (const task of named) forced.set(task.name, `--force ${name}`);
    while (queue.length > 0) {
      for (const dependent of plan.tasks[queue.pop()!]!.dependentIds) {
        const task = plan.tasks[dependent]!;
        if (forced.has(task.name)) continue;
        forced.set(task.name, `--force ${name} (it depends on a forced task)`);
        queue.push(dependent);
      }
    }
  }
  return forced;
}

const SHOWN_FILES = 5;

/** What differs between a recorded key's parts and the current ones, one line per kind of change. */
export function differences(before: KeyParts, now: KeyParts, changedDeps: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  const files = compare(before.files, now.files);
  if (files.length > 0) {
    const shown = files.slice(0, SHOWN_FILES).map(([name, how]) => `${name} (${how})`);
    const more = files.length > SHOWN_FILES ? `, and ${files.length - SHOWN_FILES} more` : '';
    lines.push(`${files.length} input file${files.length === 1 ? '' : 's'} changed: ${shown.join(', ')}${more}`);
  }
  if (before.command !== now.command) lines.push('its command changed');
  if (before.inputs === undefined) lines.push('its key was recorded by an older stagerun (keys now cover the inputs patterns too)');
  else if (before.inputs !== now.inputs) lines.push('its inputs patterns changed');
  if (before.cwd !== now.cwd) lines.push(`its directory changed (${before.cwd} → ${now.cwd})`);
  const env = compare(before.env, now.env);
  if (env.length > 0) lines.push(`env changed: ${env.map(([name, how]) => `${name} (${how})`).join(', ')}`);
  const deps = compare(before.deps, now.deps);
  for (const [name, how] of deps) {
    if (how === 'changed') lines.push(`a dependency changed: ${name}${changedDeps.has(name) ? ' (it runs too)' : ''}`);
    else lines.push(`a dependency was ${how}: ${name}`);
  }
  return lines;
}

/** Entries added, removed or changed between two records, sorted by name. */
function compare(
  before: Readonly<Record<string, string>>,
  now: Readonly<Record<string, string>>,
): [string, 'added' | 'removed' | 'changed'][] {
  const out: [string, 'added' | 'removed' | 'changed'][] = [];
  for (const [name, value] of Object.entries(now)) {
    if (!(name in before)) out.push([name, 'added']);
    else if (before[name] !== value) out.push([name, 'changed']);
  }
  for (const name of Object.keys(before)) if (!(name in now)) out.push([name, 'removed']);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Checks run at once, at most: each is a process asking a remote system. */
const CHECK_CONCURRENCY = 4;

/** Keys, and for each task whether it is up to date and why. */
export async function checkFreshness(plan: Plan, options: FreshnessOptions): Promise<Freshness> {
  const keys = await computeKeys(plan, options);
  const forced = forcedTasks(plan, options.force);
  const checks = await runChecks(plan, keys, forced, options);
  const outputs = new InputLister(plan.pipeline.root);
  const verdicts = new Map<string, Verdict>();
  const warnings: string[] = [];
  const runs = new Set<string>();
  for (const task of plan.order) {
    const key = keys.get(task.name)!;
    warnings.push(...key.warnings);
    const check = checks.get(task.name);
    if (check?.kind === 'failed') warnings.push(`${task.name}: ${check.reason}; it runs`);
    let verdict = check ? checked(check) : judge(key, options.recorded.get(task.name), forced.get(task.name), runs, options.now);
    if (verdict.upToDate && !check) verdict = withOutputs(verdict, task, outputs);
    if (!verdict.upToDate) runs.add(task.name);
    verdicts.set(task.name, verdict);
  }
  return { keys, verdicts, warnings };
}

/** The checks of the planned tasks that declare one (and are not forced), a few at a time. */
async function runChecks(
  plan: Plan,
  keys: ReadonlyMap<string, TaskKey>,
  forced: ReadonlyMap<string, string>,
  options: FreshnessOptions,
): Promise<Map<string, CheckResult>> {
  const queue = new PQueue({ concurrency: CHECK_CONCURRENCY });
  const results = new Map<string, CheckResult>();
  const signal = options.signal as AbortSignal | undefined;
  await Promise.all(
    plan.tasks
      .filter((task) => task.settings.check !== undefined && !forced.has(task.name))
      .map((task) =>
        queue.add(async () => {
          signal?.throwIfAborted();
          results.set(task.name, await runCheck(task, keys.get(task.name)!.key, { env: options.env, signal }));
        }),
      ),
  );
  return results;
}

/** What a check says decides: it knows the target, where the recorded keys are a hint. */
function checked(check: CheckResult): Verdict {
  if (check.kind === 'failed') return { upToDate: false, reasons: [`${check.reason}, so it runs`] };
  return { upToDate: check.found, reasons: [check.reason] };
}

/** An up-to-date task whose declared outputs are missing runs again, as make rebuilds a missing target. */
function withOutputs(verdict: Verdict, task: PlanTask, lister: InputLister): Verdict {
  if (task.settings.outputs.length === 0) return verdict;
  // Outputs are usually what .gitignore ignores (dist/): it does not apply to them.
  const { unmatched } = lister.select(task.cwd, task.settings.outputs, false);
  if (unmatched.length === 0) return verdict;
  return { upToDate: false, reasons: [`its outputs are missing: ${unmatched.join(', ')}`] };
}

function judge(
  key: TaskKey,
  recorded: RecordedKey | undefined,
  forced: string | undefined,
  runs: ReadonlySet<string>,
  now: number | undefined,
): Verdict {
  if (!key.cacheable) return { upToDate: false, reasons: ['it declares no inputs, so it always runs'] };
  if (forced) return { upToDate: false, reasons: [`forced: ${forced}`] };
  if (!recorded) return { upToDate: false, reasons: ['no successful run of it is recorded'] };
  if (recorded.key === key.key) {
    const files = Object.keys(key.parts.files).length;
    const when = now === undefined ? '' : ` ${formatDuration(Math.max(0, now - recorded.recordedAt))} ago`;
    return {
      upToDate: true,
      reasons: [
        `its ${files} input file${files === 1 ? '' : 's'}, command, env and dependencies are those of its last successful run${when}`,
      ],
    };
  }
  const reasons = differences(recorded.parts, key.parts, runs);
  return { upToDate: false, reasons: reasons.length > 0 ? reasons : [`its key changed (${recorded.key} → ${key.key})`] };
}
