/**
 * Output for a CI log: each task's lines in a collapsible group (GitHub's `::group::`,
 * GitLab's sections), a failed task as an error annotation naming it and why (GitHub), and
 * on GitHub a Markdown summary of the run with its Gantt chart in the job's summary page.
 */
import { appendFileSync } from 'node:fs';
import type { RunEvent, Sink } from '../events/events.js';
import { renderMarkdown } from '../views/report.js';
import type { CiSystem } from './ci-systems.js';
import { createReportSink } from './collect.js';

export { CI_SYSTEMS, type CiSystem, detectCi } from './ci-systems.js';

/** How a CI log marks groups and failures; each returns the line to print, or undefined. */
export interface CiStyle {
  readonly system: CiSystem;
  groupStart(title: string, key: string, atMs: number): string | undefined;
  groupEnd(key: string, atMs: number): string | undefined;
  failure(title: string, message: string): string | undefined;
}

/** GitHub's workflow commands escape these in their data (and more in their properties). */
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
/** GitLab section names: letters, digits, `_`, `.` and `-`. */
const sectionName = (key: string) => `stagerun_${key.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

export function ciStyle(system: CiSystem): CiStyle {
  switch (system) {
    case 'github':
      return {
        system,
        groupStart: (title) => `::group::${escapeData(title)}`,
        groupEnd: () => '::endgroup::',
        failure: (title, message) => `::error title=${escapeProperty(title)}::${escapeData(message)}`,
      };
    case 'gitlab':
      return {
        system,
        groupStart: (title, key, atMs) =>
          `\u001b[0Ksection_start:${Math.floor(atMs / 1000)}:${sectionName(key)}[collapsed=true]\r\u001b[0K${title}`,
        groupEnd: (key, atMs) => `\u001b[0Ksection_end:${Math.floor(atMs / 1000)}:${sectionName(key)}\r\u001b[0K`,
        failure: () => undefined,
      };
    case 'bitbucket':
      return { system, groupStart: () => undefined, groupEnd: () => undefined, failure: () => undefined };
  }
}

/** GitHub's job summary: the run in Markdown (its table and Gantt chart), appended to `$GITHUB_STEP_SUMMARY` when it ends. */
export function stepSummarySink(file: string, onError: (error: Error) => void): Sink {
  const collector = createReportSink();
  return (event: RunEvent) => {
    collector.sink(event);
    if (event.type !== 'run-end') return;
    try {
      appendFileSync(file, `${renderMarkdown(collector.report())}\n`);
    } catch (error) {
      onError(error as Error);
    }
  };
}
