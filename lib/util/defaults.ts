/** Defaults the CLI's option specs show at start-up, kept apart from the modules that use them so that --help loads neither. */

/** Runs kept in `.stagerun/history.jsonl` (about: the file is trimmed in batches). */
export const DEFAULT_HISTORY_LIMIT = 200;
