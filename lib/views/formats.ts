/** The forms `stagerun report --format` draws a recorded run in (a module of its own: the CLI's option spec reads it at start-up). */
export const REPORT_FORMATS = ['mermaid', 'gantt', 'trace', 'json', 'table', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
