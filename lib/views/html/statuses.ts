/**
 * How the page colours a task: by its status (the status table's `fill`), except that a task
 * that succeeded only after a retry is shown as `flaky`, the one look the page adds.
 */
import { statusInfo, type TaskStatus } from '../../events/events.js';
import type { TaskReport } from '../../reports/run-report.js';

export type ShownStatus = TaskStatus | 'flaky';

const FLAKY = { fill: '#1098ad', label: 'flaky' } as const;

export function shownStatus(task: Pick<TaskReport, 'status' | 'flaky'>): ShownStatus {
  return task.flaky ? 'flaky' : task.status;
}

export function fillOf(status: ShownStatus): string {
  return status === 'flaky' ? FLAKY.fill : statusInfo(status).fill;
}

export function labelOf(status: ShownStatus): string {
  return status === 'flaky' ? FLAKY.label : statusInfo(status).label;
}

/** Dark text on a light fill, white on a dark one (by the fill's relative luminance). */
export function inkOf(fill: string): string {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(fill.slice(at, at + 2), 16) / 255) as [number, number, number];
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  return luminance > 0.35 ? '#212529' : '#ffffff';
}
