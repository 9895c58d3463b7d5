/** Names that look secret, unless the pipeline says otherwise (`secretNames`). */
export const DEFAULT_SECRET_NAMES: readonly string[] = ['*_TOKEN', '*_SECRET*', '*PASSWORD*', '*_KEY'];
