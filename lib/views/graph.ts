/** The plan's graph as Graphviz DOT or Mermaid, for `--graph`. Edges point from a dependency to what needs it. */
import type { Plan } from '../plan/plan.js';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function renderDot(plan: Plan): string {
  const lines = ['digraph stagerun {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  plan.stages.forEach((stage, index) => {
    lines.push(`  subgraph cluster_stage_${index + 1} {`, `    label=${quote(`stage ${index + 1}`)}; style=dashed;`);
    for (const task of stage) lines.push(`    ${quote(task.name)}${task.run === undefined ? ' [style="rounded,dashed"]' : ''};`);
    lines.push('  }');
  });
  for (const task of plan.tasks) for (const dep of task.deps) lines.push(`  ${quote(dep)} -> ${quote(task.name)};`);
  lines.push('}');
  return lines.join('\n');
}

export function renderMermaid(plan: Plan): string {
  // Mermaid ids must be simple: number the tasks and label them with their names.
  const id = (taskId: number) => `t${taskId}`;
  const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  plan.stages.forEach((stage, index) => {
    lines.push(`  subgraph stage${index + 1}[${label(`stage ${index + 1}`)}]`);
    for (const task of stage)
      lines.push(`    ${id(task.id)}${task.run === undefined ? `([${label(task.name)}])` : `[${label(task.name)}]`}`);
    lines.push('  end');
  });
  for (const task of plan.tasks) for (const dep of task.depIds) lines.push(`  ${id(dep)} --> ${id(task.id)}`);
  return lines.join('\n');
}
