/**
 * Every mistake a user can make has its own error class, carrying a stable `code`,
 * the exit code the CLI should use, and the offending names as fields. The message
 * is written for the person at the terminal; `cli/fail.ts` decides how to print it.
 */

export type ErrorCode =
  | 'E_USAGE'
  | 'E_DEPLOYFILE_NOT_FOUND'
  | 'E_DEPLOYFILE_LOAD'
  | 'E_NOT_A_PIPELINE'
  | 'E_INVALID_TASK'
  | 'E_DUPLICATE_TASK'
  | 'E_UNKNOWN_DEPENDENCY'
  | 'E_CYCLE'
  | 'E_UNKNOWN_TARGET'
  | 'E_NO_TARGET'
  | 'E_HISTORY'
  | 'E_OUTPUT'
  | 'E_OPTION'
  | 'E_DEPLOYFILE';

/** Exit code for usage and deployfile errors, as the brief and most CLIs use. */
export const EXIT_USAGE = 2;

const BRAND = Symbol.for('stagerun.error');

export abstract class StagerunError extends Error {
  /** Recognised across copies of the package (a deployfile may load a second one). */
  readonly [BRAND] = true;
  abstract readonly code: ErrorCode;
  readonly exitCode: number = EXIT_USAGE;
  /** The deployfile the error is about, when known. Set by the loader if the pipeline did not know it. */
  file: string | undefined;
  /** The line that made the mistake, when known: the file is then that line's file. */
  location: SourceLocation | undefined;
  /** Extra lines shown under the message (suggestions, lists, source excerpts). */
  readonly hints: string[] = [];

  constructor(message: string, file?: string) {
    super(message);
    this.name = new.target.name;
    this.file = file;
  }

  /** Points the error at the line that made the mistake (its file, and the line shown under the message). */
  at(location: SourceLocation | undefined): this {
    if (!location) return this;
    this.location = location;
    this.file = location.file;
    this.hints.push(...sourceLines(location, false));
    return this;
  }
}

export class UsageError extends StagerunError {
  readonly code = 'E_USAGE';
}

export class DeployfileNotFoundError extends StagerunError {
  readonly code = 'E_DEPLOYFILE_NOT_FOUND';
  constructor(
    readonly searched: readonly string[],
    readonly from: string,
    explicit: string | undefined,
  ) {
    super(
      explicit
        ? `deployfile not found: ${explicit}`
        : `no deployfile found in ${from} or any parent directory (looked for ${searched.join(', ')})`,
    );
    if (!explicit) this.hints.push('create a deployfile.ts, or point at one with -f/--file');
  }
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  lineText?: string;
}

export class DeployfileLoadError extends StagerunError {
  readonly code = 'E_DEPLOYFILE_LOAD';
  constructor(
    file: string,
    readonly reason: string,
    location?: SourceLocation,
  ) {
    super(`could not load the deployfile: ${reason}`, file);
    // The message already says where (file:line:column); the hint shows the line with a caret.
    this.location = undefined;
    if (location) this.hints.push(...sourceLines(location));
  }
}

/** The offending line as `12 | text`, with a caret under the column when there is one. */
export function sourceLines(location: SourceLocation, caret = true): string[] {
  if (location.lineText === undefined) return [];
  const lines = [`${location.line} | ${location.lineText.trimEnd()}`];
  if (caret) lines.push(`${' '.repeat(String(location.line).length + 3 + location.column)}^`);
  return lines;
}

export class NotAPipelineError extends StagerunError {
  readonly code = 'E_NOT_A_PIPELINE';
  constructor(
    file: string,
    readonly found: string,
  ) {
    super(`the deployfile's default export is ${found}, not a pipeline`, file);
    this.hints.push('end the deployfile with `export default p;` where `const p = pipeline();`');
  }
}

/** What an invalid declaration belongs to; named first in the message. */
export type Declaring = 'task' | 'service' | 'pipeline';

export class InvalidTaskError extends StagerunError {
  readonly code = 'E_INVALID_TASK';
  constructor(
    /** The task's or service's name (`pipeline` for the pipeline's own options). */
    readonly task: string,
    readonly option: string,
    readonly value: unknown,
    readonly reason: string,
    file?: string,
    readonly subject: Declaring = 'task',
  ) {
    super(`${subject === 'pipeline' ? 'pipeline' : `${subject} '${task}'`}: ${option} ${reason} (got ${describeValue(value)})`, file);
  }
}

export class DuplicateTaskError extends StagerunError {
  readonly code = 'E_DUPLICATE_TASK';
  constructor(
    readonly task: string,
    file?: string,
    /** What was declared twice: a task, a service, or a task and a service sharing the name. */
    readonly kind: 'task' | 'service' | 'task and service' = 'task',
  ) {
    super(
      kind === 'task and service'
        ? `'${task}' is both a task and a service; a target or dependency named '${task}' would be ambiguous, so rename one of them`
        : `${kind} '${task}' is declared twice; ${kind} names must be unique`,
      file,
    );
  }
}

export class UnknownDependencyError extends StagerunError {
  readonly code = 'E_UNKNOWN_DEPENDENCY';
  constructor(
    readonly task: string,
    readonly dependency: string,
    readonly suggestion: string | undefined,
    file?: string,
    /** What was not found: a task or service it depends on, or a resource it uses. */
    readonly kind: 'dependency' | 'resource' = 'dependency',
  ) {
    const what =
      kind === 'resource'
        ? `uses resource '${dependency}', which the pipeline does not declare`
        : `depends on '${dependency}', which is not a task or service`;
    super(`task '${task}' ${what}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`, file);
  }
}

export class CycleError extends StagerunError {
  readonly code = 'E_CYCLE';
  /** The tasks on the cycle, first one repeated at the end; each depends on the next. */
  constructor(
    readonly cycle: readonly string[],
    file?: string,
  ) {
    super(`dependency cycle: ${cycle.join(' -> ')}`, file);
    this.hints.push("each task in the cycle depends on the next one ('a -> b' means a needs b)");
  }
}

export class UnknownTargetError extends StagerunError {
  readonly code = 'E_UNKNOWN_TARGET';
  constructor(
    readonly target: string,
    readonly suggestion: string | undefined,
    readonly available: readonly string[],
    file?: string,
  ) {
    super(`unknown target '${target}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`, file);
    // Targets are names; patterns belong to the selection flags.
    if (/[*?[{]/.test(target)) this.hints.push(`a target is a name, not a pattern: to run the tasks that match, use --only '${target}'`);
    const shown = available.slice(0, 30);
    this.hints.push(`targets: ${shown.join(', ')}${available.length > shown.length ? `, … (${available.length} in all; see --list)` : ''}`);
  }
}

export class NoTargetError extends StagerunError {
  readonly code = 'E_NO_TARGET';
  constructor(
    readonly available: readonly string[],
    file?: string,
  ) {
    super('no target given and the pipeline sets no default', file);
    this.hints.push("name a target (`stagerun deploy`) or add `p.default('deploy')` to the deployfile");
  }
}

/** Several mistakes in one deployfile, reported together so that one pass fixes them all. */
export class DeployfileErrors extends StagerunError {
  readonly code = 'E_DEPLOYFILE';
  constructor(
    readonly problems: readonly StagerunError[],
    file?: string,
  ) {
    super(`${problems.length} mistakes in the deployfile`, file);
  }
}

/** Throws nothing for no problems, the problem itself for one, and all of them together for more. */
export function throwProblems(problems: readonly StagerunError[], file: string | undefined): void {
  if (problems.length === 0) return;
  if (problems.length === 1) {
    const [only] = problems as [StagerunError];
    only.file ??= file;
    throw only;
  }
  // In the order of the file, where lines are known: the way a person fixes them.
  const ordered = [...problems].sort((a, b) => {
    if (!a.location || !b.location) return 0;
    return a.location.file === b.location.file ? a.location.line - b.location.line : a.location.file < b.location.file ? -1 : 1;
  });
  throw new DeployfileErrors(ordered, file);
}

export class HistoryError extends StagerunError {
  readonly code = 'E_HISTORY';
}

/** A file the user asked for (--report, --profile) could not be written. */
export class OutputFileError extends StagerunError {
  readonly code = 'E_OUTPUT';
  constructor(
    readonly option: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${option}: cannot write ${path}: ${reason}`);
  }
}

/** A bad option passed to the library (`run()`, `simulate()`…), named as the library calls it. */
export class InvalidOptionError extends StagerunError {
  readonly code = 'E_OPTION';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`option '${option}' ${reason} (got ${describeValue(value)})`);
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array [${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return String(value);
}

export function isStagerunError(error: unknown): error is StagerunError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}
