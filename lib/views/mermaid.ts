/** A Mermaid `gantt` block of a run, for a pull-request comment or a Markdown page. */
import { statusInfo, type TaskStatus } from '../events/events.js';
import type { RunReport } from '../reports/run-report.js';
import { formatDuration, stageLabel } from '../util/format.js';

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
      const id = report.tasks.indexOf(task);
      const attempts = task.attempts.length > 0 ? task.attempts : [{ number: 1, startMs: task.startMs!, endMs: task.endMs! }];
      for (const attempt of attempts) {
        const last = attempt === attempts.at(-1);
        const status = last ? task.status : 'failed';
        const label = `${taskName(task.name)}${attempts.length > 1 ? ` (attempt ${attempt.number})` : ''}${statusLabel(status)}`;
        const tags = [tag(status, critical.has(task.name)), `t${id}${attempts.length > 1 ? `a${attempt.number}` : ''}`];
        lines.push(`    ${label} :${tags.join(', ')}, ${Math.round(attempt.startMs)}, ${Math.round(attempt.endMs)}`);
      }
    }
  }
  return ['```mermaid', ...lines, '```'].join('\n');
}

/** Mermaid's tag for a bar: done (crit on the critical path) for a success, active for the rest. */
function tag(status: TaskStatus, onPath: boolean): string {
  const { chart } = statusInfo(status);
  return chart === 'done' && onPath ? 'crit' : chart;
}

/** What a bar's name adds: nothing for ok, the mark and words for what else ran, the status for what did not run. */
function statusLabel(status: TaskStatus): string {
  const info = statusInfo(status);
  if (status === 'ok') return '';
  return info.ran ? ` ${info.mark} ${info.label}` : ` ${status}`;
}
