/** The history sink: appends the finished run's report to `.stagerun/history.jsonl`. */
import type { RunEvent, Sink } from '../events.js';
import { appendHistory, type AppendOptions } from '../history.js';
import { createReportSink } from './json.js';

export function createHistorySink(file: string, options: AppendOptions = {}): Sink {
  const collector = createReportSink();
  return (event: RunEvent) => {
    collector.sink(event);
    if (event.type === 'run-end') appendHistory(file, collector.report(), options);
  };
}
