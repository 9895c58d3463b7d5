/** Text views of a plan that run nothing: `--dry-run` and `--list`. */

import { stageLabel, table } from '../format.js';
import { describeCommand } from '../model.js';
import type { Plan } from '../plan.js';
import type { ResolvedPipeline } from '../resolve.js';

/** The stages, and for each task its deps and command. */
export function renderDryRun(plan: Plan, jobs: number, schedule: string): string[] {
  const commands = plan.tasks.filter((task) => task.run !== undefined).length;
  const lines = [
    `dry run: ${plan.requested.join(' ')}: ${commands} task${commands === 1 ? '' : 's'} in ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}; would run -j${jobs} with schedule ${schedule}; nothing was run`,
  ];
  plan.stages.forEach((stage, index) => {
    lines.push('', `stage ${stageLabel(index)}:`);
    for (const task of stage) {
      lines.push(`  ${task.name}${task.description ? `  — ${task.description}` : ''}`);
      lines.push(`      deps: ${task.deps.length > 0 ? task.deps.join(', ') : '(none)'}`);
      lines.push(`      run:  ${describeCommand(task.run, task.args)}`);
      if (task.run !== undefined && typeof task.run !== 'function') lines.push(`      in:   ${task.cwd}`);
    }
  });
  return lines;
}

/** Every task with its description and deps; services first grouped under their name. */
export function renderList(pipeline: ResolvedPipeline): string[] {
  const rows = [['task', 'deps', 'description']];
  for (const task of pipeline.tasks) {
    rows.push([task.name, task.deps.join(', ') || '—', task.description ?? (task.run === undefined ? '(goal)' : '')]);
  }
  const lines = table(rows);
  const defaults = pipeline.defaults.length > 0 ? pipeline.defaults.join(' ') : '(none)';
  lines.push('', `default target: ${defaults}`);
  if (pipeline.services.size > 0) lines.push(`services: ${[...pipeline.services.keys()].join(', ')}`);
  return lines;
}
