/** `stagerun compare` output: a table for people, CSV and JSON for scripts. */
import type { CompareRow } from '../run/compare.js';
import { formatDuration, table } from '../util/format.js';

export type CompareFormat = 'table' | 'json' | 'csv';

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;
const signedPercent = (value: number) => {
  const text = (value * 100).toFixed(1);
  return text === '-0.0' || text === '0.0' ? '0.0%' : `${value > 0 ? '+' : ''}${text}%`;
};

export function renderCompare(rows: readonly CompareRow[], format: CompareFormat): string[] {
  if (format === 'json') {
    const data = rows.map(({ jobs, schedule, makespanMs, speedup, efficiency, lowerBoundMs, gap, simulated, ok }) => ({
      jobs,
      schedule,
      makespanMs,
      speedup: Math.round(speedup * 1000) / 1000,
      efficiency: Math.round(efficiency * 1000) / 1000,
      lowerBoundMs,
      gap: Math.round(gap * 1000) / 1000,
      simulated,
      ok,
    }));
    return [JSON.stringify(data, null, 2)];
  }
  if (format === 'csv') {
    return [
      'jobs,schedule,makespanMs,speedup,efficiency,lowerBoundMs,gap,simulated,ok',
      ...rows.map((row) =>
        [
          row.jobs,
          row.schedule,
          row.makespanMs,
          row.speedup.toFixed(3),
          row.efficiency.toFixed(3),
          row.lowerBoundMs,
          row.gap.toFixed(3),
          row.simulated,
          row.ok,
        ].join(','),
      ),
    ];
  }
  const body = rows.map((row) => [
    String(row.jobs),
    row.schedule,
    formatDuration(row.makespanMs) + (row.ok ? '' : ' ✗'),
    `${row.speedup.toFixed(2)}×`,
    percent(row.efficiency),
    formatDuration(row.lowerBoundMs),
    signedPercent(row.gap),
  ]);
  return table([['N', 'schedule', 'makespan', 'speedup', 'efficiency', 'lower bound', 'gap'], ...body], [0, 2, 3, 4, 5, 6]);
}
