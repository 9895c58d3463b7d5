/** The forms `stagerun report --format` draws a recorded run in (a module of its own: the CLI's option spec reads it at start-up). */
export const REPORT_FORMATS = ['mermaid', 'gantt', 'trace', 'json', 'table', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** The forms drawn as text by views/report.ts; `html` is a page of its own (views/html/page.ts), loaded only when asked for. */
export type TextReportFormat = Exclude<ReportFormat, 'html'>;
