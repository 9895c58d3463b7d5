/** A Mermaid `gantt` block of a run, for a pull-request comment or a Markdown page. */
import { formatDuration, stageLabel } from '../format.js';
import type { RunReport } from './json.js';

// ':' separates a gantt task's name from its data and '#', ';' end it: swap them for look-alikes.
function taskName(name: string): string {
  return name.replace(/:/g, '∶').replace(/;/g, ',').replace(/#/g, '＃');
}

export function renderMermaidGantt(report: RunReport): string {
  const critical = new Set(report.criticalPath);
  const lines = [
    'gantt',
    `    title ${taskName(report.targets.join(' '))} at -j${report.jobs} (${report.schedule})${report.simulated ? ', simulated' : ''}: ${formatDuration(report.makespanMs)}`,
    '    dateFormat x',
    `    axisFormat ${report.makespanMs >= 60_000 ? '%M:%S' : '%S.%L s'}`,
  ];
  const ran = report.tasks.filter((task) => task.command && task.startMs !== null && task.endMs !== null);
  const stages = [...new Set(ran.map((task) => task.stage))].sort((a, b) => a - b);
  for (const stage of stages) {
    lines.push(`    section stage ${stageLabel(stage)}`);
    for (const task of ran.filter((t) => t.stage === stage)) {
      const tags = [task.status !== 'ok' ? 'active' : critical.has(task.name) ? 'crit' : 'done', `t${report.tasks.indexOf(task)}`];
      const status = task.status === 'ok' ? '' : ` ✗ ${task.status}`;
      lines.push(`    ${taskName(task.name)}${status} :${tags.join(', ')}, ${Math.round(task.startMs!)}, ${Math.round(task.endMs!)}`);
    }
  }
  return ['```mermaid', ...lines, '```'].join('\n');
}
