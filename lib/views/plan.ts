/** Text views of a plan that run nothing: `--dry-run` and `--list`. */

import type { Verdict } from '../keys/freshness.js';
import { describeCommand } from '../model/model.js';
import type { Plan, PlanTask } from '../plan/plan.js';
import type { ResolvedPipeline } from '../plan/resolve.js';
import { formatDuration, MAX_NAME_COLUMN, shortName, shownNames, stageLabel, table } from '../util/format.js';

/** The stages, and for each task its deps and command, and (when tasks declare inputs) whether it would run, and why. */
export function renderDryRun(plan: Plan, jobs: number, schedule: string, verdicts?: ReadonlyMap<string, Verdict>): string[] {
  const commands = plan.tasks.filter((task) => task.run !== undefined).length;
  const fresh = verdicts ? plan.tasks.filter((task) => task.run !== undefined && verdicts.get(task.name)?.upToDate).length : 0;
  const lines = [
    `dry run: ${plan.requested.join(' ')}: ${commands} task${commands === 1 ? '' : 's'} in ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}${verdicts ? ` (${commands - fresh} would run, ${fresh} up to date)` : ''}; would run -j${jobs} with schedule ${schedule}; nothing was run`,
  ];
  const { only, skip, noDeps } = plan.selection;
  if (only.length > 0)
    lines.push(`selected with --only ${only.join(',')}${noDeps ? ' --no-deps (not their dependencies)' : ' (and what they need)'}`);
  else if (noDeps) lines.push('selected with --no-deps: the targets only, not their dependencies');
  if (skip.length > 0)
    lines.push(`left out with --skip ${skip.join(',')}: ${plan.skipped.join(', ') || '(nothing)'}; what depends on them still runs`);
  const resources = Object.entries(plan.pipeline.resources);
  if (resources.length > 0) lines.push(`resources: ${resources.map(([name, count]) => `${name} (${count} at a time)`).join(', ')}`);
  plan.stages.forEach((stage, index) => {
    lines.push('', `stage ${stageLabel(index)}:`);
    for (const task of stage) {
      lines.push(
        `  ${task.name}${task.tags.length > 0 ? ` [${task.tags.join(', ')}]` : ''}${task.description ? `  — ${task.description}` : ''}`,
      );
      lines.push(`      deps: ${task.deps.length > 0 ? task.deps.join(', ') : '(none)'}`);
      lines.push(`      run:  ${describeCommand(task.run, task.args)}`);
      const settings = describeSettings(task);
      if (settings.length > 0) lines.push(`      with: ${settings.join('; ')}`);
      const verdict = task.run === undefined ? undefined : verdicts?.get(task.name);
      if (verdict) {
        const [first, ...rest] = verdict.reasons;
        const label = verdict.upToDate ? 'up to date:' : 'would run:';
        lines.push(`      ${label} ${first}`);
        for (const reason of rest) lines.push(`      ${' '.repeat(label.length)} ${reason}`);
      }
      const env = Object.entries(task.env);
      if (env.length > 0)
        lines.push(`      env:  ${env.map(([name, value]) => (value === undefined ? `-${name}` : `${name}=${value}`)).join(' ')}`);
      if (task.run !== undefined && typeof task.run !== 'function') lines.push(`      in:   ${task.cwd}`);
    }
  });
  return lines;
}

/** Every task with its description and deps; services first grouped under their name. */
export function renderList(pipeline: ResolvedPipeline): string[] {
  const tagged = pipeline.tasks.some((task) => task.tags.length > 0);
  const rows = [['task', ...(tagged ? ['tags'] : []), 'deps', 'description']];
  for (const task of pipeline.tasks) {
    rows.push([
      shortName(task.name, MAX_NAME_COLUMN),
      ...(tagged ? [task.tags.join(', ') || '—'] : []),
      shownNames(task.deps) || '—',
      task.description ?? (task.run === undefined ? '(goal)' : ''),
    ]);
  }
  const lines = table(rows);
  const defaults = pipeline.defaults.length > 0 ? pipeline.defaults.join(' ') : '(none)';
  lines.push('', `default target: ${defaults}`);
  if (pipeline.services.size > 0) lines.push(`services: ${[...pipeline.services.keys()].join(', ')}`);
  return lines;
}

/** The options that change how a task runs or ends, in words; empty when it has none. */
export function describeSettings(task: PlanTask): string[] {
  const { timeout, retries, retryDelay, retryBackoff, okExitCodes, noChange, approval, uses } = task.settings;
  const parts: string[] = [];
  if (approval !== undefined) parts.push(`approval: ${JSON.stringify(approval)}`);
  if (timeout !== undefined) parts.push(`time limit ${formatDuration(timeout)}`);
  if (retries > 0)
    parts.push(
      `${retries} ${retries === 1 ? 'retry' : 'retries'}${retryDelay > 0 ? ` after ${formatDuration(retryDelay)}${retryBackoff > 1 ? ` (×${retryBackoff} each time)` : ''}` : ''}`,
    );
  if (okExitCodes.length !== 1 || okExitCodes[0] !== 0) parts.push(`exit codes ${okExitCodes.join(', ')} succeed`);
  if (noChange !== undefined) parts.push(`no change when output matches ${noChange}`);
  if (uses.length > 0) parts.push(`uses ${uses.join(', ')}`);
  return parts;
}
