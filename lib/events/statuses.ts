/**
 * Every status, declared once: how a task ended and how a run ended, each with what every
 * sink and chart needs of it (its mark and colour, its words, whether it lets dependents
 * run, how it is drawn) and what it means for the exit code. A new status is one entry
 * here; the type, the lists and every sink follow from it.
 */

/** The colours a status is drawn in: chalk's names. */
export type Colour = 'green' | 'red' | 'yellow' | 'dim' | 'magenta' | 'cyan';

/** One column of a Gantt bar: its character and colour. */
export interface BarPaint {
  readonly char: string;
  readonly colour: Colour;
}

export interface TaskStatusInfo {
  /** One column wide, so that tables stay aligned. */
  readonly mark: string;
  readonly colour: Colour;
  /** In words, as a chart's label says it. */
  readonly label: string;
  /** Lets the tasks that need it run. */
  readonly succeeded: boolean;
  /** An attempt of the task ran (it has a bar on a chart, and its key is recorded or forgotten). */
  readonly ran: boolean;
  /** The run's status it makes, whatever else happened (short of an interrupt): null for none. */
  readonly failsRun: 'failed' | 'needs-approval' | null;
  /** Its bar on the Gantt chart, on the critical path and off it. */
  readonly bar: { readonly onPath: BarPaint; readonly offPath: BarPaint };
  /** Mermaid's tag for its bar (`crit` replaces `done` on the critical path). */
  readonly chart: 'done' | 'active';
  /** Its colour on the HTML report (a CSS colour); light ones get dark text. */
  readonly fill: string;
  /** What it means, for the docs and the editor. */
  readonly means: string;
}

const NO_BAR = { onPath: { char: '░', colour: 'dim' }, offPath: { char: '░', colour: 'dim' } } as const;
const bar = (char: string, colour: Colour) => ({ onPath: { char, colour }, offPath: { char, colour } });

/** How a task ended, in the order a run's closing line counts them. */
export const TASK_STATUS_TABLE = {
  ok: {
    mark: '✓',
    colour: 'green',
    label: 'ok',
    succeeded: true,
    ran: true,
    failsRun: null,
    bar: { onPath: { char: '█', colour: 'magenta' }, offPath: { char: '▒', colour: 'cyan' } },
    chart: 'done',
    fill: '#2f9e44',
    means: 'succeeded (exit 0, a function that returned, or a goal whose deps succeeded)',
  },
  'no-change': {
    mark: '○',
    colour: 'green',
    label: 'no change',
    succeeded: true,
    ran: true,
    failsRun: null,
    bar: { onPath: { char: '█', colour: 'green' }, offPath: { char: '░', colour: 'green' } },
    chart: 'done',
    fill: '#b2f2bb',
    means: 'succeeded with nothing to do (an `okExitCodes` code other than 0, or output matching `noChange`)',
  },
  'up-to-date': {
    mark: '≡',
    colour: 'dim',
    label: 'up to date',
    succeeded: true,
    ran: false,
    failsRun: null,
    bar: NO_BAR,
    chart: 'active',
    fill: '#dee2e6',
    means: 'not run: its inputs, command, env and dependencies are those of its last successful run',
  },
  failed: {
    mark: '✗',
    colour: 'red',
    label: 'failed',
    succeeded: false,
    ran: true,
    failsRun: 'failed',
    bar: bar('▓', 'red'),
    chart: 'active',
    fill: '#e03131',
    means: 'non-zero exit, killed by a signal, could not start, or threw; after any retries',
  },
  timeout: {
    mark: '⧖',
    colour: 'red',
    label: 'timeout',
    succeeded: false,
    ran: true,
    failsRun: 'failed',
    bar: bar('▚', 'red'),
    chart: 'active',
    fill: '#a61e4d',
    means: "its last attempt reached its time limit (or the run's)",
  },
  interrupted: {
    mark: '■',
    colour: 'yellow',
    label: 'interrupted',
    succeeded: false,
    ran: true,
    failsRun: null,
    bar: bar('▓', 'yellow'),
    chart: 'active',
    fill: '#f76707',
    means: 'was running (or waiting to retry) when the run was interrupted',
  },
  'needs-approval': {
    mark: '?',
    colour: 'yellow',
    label: 'needs-approval',
    succeeded: false,
    ran: false,
    failsRun: 'needs-approval',
    bar: NO_BAR,
    chart: 'active',
    fill: '#ffd43b',
    means: 'its approval gate was not answered yes (no terminal to ask on, or declined)',
  },
  skipped: {
    mark: '-',
    colour: 'dim',
    label: 'skipped',
    succeeded: false,
    ran: false,
    failsRun: null,
    bar: NO_BAR,
    chart: 'active',
    fill: '#f8f9fa',
    means: 'not started because a task it needs did not succeed',
  },
  cancelled: {
    mark: '-',
    colour: 'dim',
    label: 'cancelled',
    succeeded: false,
    ran: false,
    failsRun: null,
    bar: NO_BAR,
    chart: 'active',
    fill: '#f1f3f5',
    means: "not started because the run stopped (a failure without -k, Ctrl-C, the run's time limit)",
  },
} as const satisfies Record<string, TaskStatusInfo>;

/** How a task ended: one of `TASK_STATUS_TABLE`'s keys. */
export type TaskStatus = keyof typeof TASK_STATUS_TABLE;
export const TASK_STATUSES = Object.keys(TASK_STATUS_TABLE) as readonly TaskStatus[];

export function statusInfo(status: TaskStatus): TaskStatusInfo {
  return TASK_STATUS_TABLE[status];
}

/** A status that lets dependents run. */
export function succeeded(status: TaskStatus): boolean {
  return TASK_STATUS_TABLE[status].succeeded;
}

export interface RunStatusInfo {
  /** The process's exit code. */
  readonly exitCode: number;
  /** What the closing line starts with. */
  readonly mark: string;
  readonly colour: Colour;
  readonly means: string;
}

/** How a run ended. */
export const RUN_STATUS_TABLE = {
  ok: { exitCode: 0, mark: '✓', colour: 'green', means: 'every task succeeded' },
  failed: { exitCode: 1, mark: '✗', colour: 'red', means: 'a task failed or timed out (or was skipped because of one)' },
  'needs-approval': {
    exitCode: 3,
    mark: '?',
    colour: 'yellow',
    means: 'nothing failed, but an approval gate was not answered yes',
  },
  interrupted: { exitCode: 130, mark: '■ interrupted:', colour: 'yellow', means: 'Ctrl-C (or `stop()`)' },
} as const satisfies Record<string, RunStatusInfo>;

export type RunStatus = keyof typeof RUN_STATUS_TABLE;
