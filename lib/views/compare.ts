/** `stagerun compare` output: a table for people, CSV and JSON for scripts. */
import { type CompareRow, PICK_WITHIN } from '../run/compare.js';
import { formatDuration, table } from '../util/format.js';

export type CompareFormat = 'table' | 'json' | 'csv';

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;
const signedPercent = (value: number) => {
  const text = (value * 100).toFixed(1);
  return text === '-0.0' || text === '0.0' ? '0.0%' : `${value > 0 ? '+' : ''}${text}%`;
};

export function renderCompare(rows: readonly CompareRow[], format: CompareFormat): string[] {
  if (format === 'json') {
    const data = rows.map(
      ({ jobs, schedule, makespanMs, speedup, efficiency, lowerBoundMs, gap, simulated, ok, coresBusy, cores, picked }) => ({
        jobs,
        schedule,
        makespanMs,
        speedup: Math.round(speedup * 1000) / 1000,
        efficiency: Math.round(efficiency * 1000) / 1000,
        lowerBoundMs,
        gap: Math.round(gap * 1000) / 1000,
        simulated,
        ok,
        coresBusy,
        cores,
        picked,
      }),
    );
    return [JSON.stringify(data, null, 2)];
  }
  if (format === 'csv') {
    return [
      'jobs,schedule,makespanMs,speedup,efficiency,lowerBoundMs,gap,simulated,ok,coresBusy,cores,picked',
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
          row.coresBusy ?? '',
          row.cores ?? '',
          row.picked,
        ].join(','),
      ),
    ];
  }
  const busy = rows.some((row) => row.coresBusy !== null);
  const body = rows.map((row) => [
    String(row.jobs),
    row.schedule,
    formatDuration(row.makespanMs) + (row.ok ? '' : ' ✗'),
    `${row.speedup.toFixed(2)}×`,
    percent(row.efficiency),
    formatDuration(row.lowerBoundMs),
    signedPercent(row.gap),
    ...(busy ? [coresText(row)] : []),
    row.picked ? '← pick' : '',
  ]);
  const head = ['N', 'schedule', 'makespan', 'speedup', 'efficiency', 'lower bound', 'gap', ...(busy ? ['cores busy'] : []), ''];
  return [...table([head, ...body], [0, 2, 3, 4, 5, 6]), ...pickNotes(rows)];
}

function coresText(row: CompareRow): string {
  if (row.coresBusy === null) return '–';
  return row.cores === null ? row.coresBusy.toFixed(1) : `${row.coresBusy.toFixed(1)} of ${row.cores}`;
}

/** Under the table: the N to pick, and, when the cores are what stops more N from helping, that. */
function pickNotes(rows: readonly CompareRow[]): string[] {
  return rows
    .filter((row) => row.picked)
    .map((row) => {
      const best = Math.min(...rows.filter((other) => other.schedule === row.schedule && other.ok).map((other) => other.makespanMs));
      const larger = rows.some((other) => other.schedule === row.schedule && other.jobs > row.jobs);
      const saturated = row.coresBusy !== null && row.cores !== null && row.coresBusy >= row.cores * 0.85;
      const why = !larger
        ? 'the largest N compared; try more'
        : saturated
          ? `more jobs gain under ${PICK_WITHIN * 100}%: its ${row.cores} cores are busy`
          : `more jobs gain under ${PICK_WITHIN * 100}% (best ${formatDuration(best)})`;
      return `pick -j${row.jobs}${rows.some((other) => other.schedule !== row.schedule) ? ` (${row.schedule})` : ''}: ${why}`;
    });
}
