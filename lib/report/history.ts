/** The history sink: appends the finished run's report to `.stagerun/history.jsonl`. */
import type { RunEvent, Sink } from '../events.js';
import { appendHistory, type AppendOptions } from '../history.js';
import { createReportSink } from './json.js';

export interface HistorySinkOptions extends AppendOptions {
  /**
   * Called if the run cannot be recorded (say, .stagerun is not writable). A failed record
   * must not turn a finished run into a crash; without a handler the error is thrown.
   */
  onError?: (error: Error) => void;
}

export function createHistorySink(file: string, options: HistorySinkOptions = {}): Sink {
  const collector = createReportSink();
  return (event: RunEvent) => {
    collector.sink(event);
    if (event.type !== 'run-end') return;
    try {
      appendHistory(file, collector.report(), options);
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(error as Error);
    }
  };
}
