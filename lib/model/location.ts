/**
 * Where in the deployfile something was declared: the file and line of the call, so that
 * an unknown dependency or a cycle found later points at the line that made it.
 *
 * The call site is captured when the task is declared (one stack frame, about 2 µs) and
 * turned into text only if an error needs it. Past 10,000 declarations no more are
 * captured: a pipeline that large is generated in a loop, where one line made them all.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../errors.js';

/** stagerun's own code (lib/ in the sources, one folder up from here; dist/ when built): frames there are not the user's. */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OWN_DIR = path.basename(HERE) === 'model' ? path.dirname(HERE) : HERE;
/** Enough frames to get past stagerun's own (`service()` → `new Service()`) to the user's call. */
const FRAMES = 3;

/** Declarations per pipeline or service whose site is captured. */
export const MAX_CAPTURED = 10_000;

/** A call site; its frame is read only when asked for. */
export interface CallSite {
  readonly stack?: string;
}

/** The site of the call to `api` (a function or class of stagerun's own, such as Pipeline.prototype.task). */
// biome-ignore lint/complexity/noBannedTypes: any function or class on the stack will do
export function captureSite(api: Function, declaredSoFar = 0): CallSite | undefined {
  if (declaredSoFar >= MAX_CAPTURED) return undefined;
  const site: CallSite = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES;
  Error.captureStackTrace(site, api);
  Error.stackTraceLimit = limit;
  return site;
}

/** The file, line and column of a captured site (its first frame outside stagerun), with the text of that line. */
export function locate(site: CallSite | undefined): SourceLocation | undefined {
  for (const frame of site?.stack?.split('\n').slice(1) ?? []) {
    const match = /(?:\(|at )((?:file:\/\/)?\/[^\s()]+?):(\d+):(\d+)\)?\s*$/.exec(frame);
    if (!match) continue;
    const file = match[1]!.startsWith('file:') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith(OWN_DIR + path.sep)) continue;
    if (file.includes('/.stagerun/') || file.includes('/node_modules/')) return undefined;
    return at(file, Number(match[2]), Number(match[3]) - 1);
  }
  return undefined;
}

function at(file: string, line: number, column: number): SourceLocation {
  let lineText: string | undefined;
  try {
    lineText = readFileSync(file, 'utf8').split('\n')[line - 1];
  } catch {
    lineText = undefined;
  }
  return { file, line, column, lineText };
}
