/**
 * The end of an exhaustive switch: a new status, event or outcome kind that a switch does
 * not handle is a compile error at the call, not a silent fall-through.
 */
export function unreachable(value: never): never {
  throw new Error(`stagerun: unhandled case ${JSON.stringify(value)}`);
}
