/**
 * A task's input files: its `inputs` globs, relative to its directory, with `!` patterns
 * excluded and (by default) what `.gitignore` files ignore left out, as git would. Each
 * directory is read once per run, however many tasks look at it.
 */
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

/** Never inputs: git's own directory and stagerun's state. */
const ALWAYS_SKIPPED = new Set(['.git', '.stagerun']);

interface Pattern {
  /** Absolute directory the pattern's glob is relative to. */
  base: string;
  /** Matches a path relative to `base`; undefined when the pattern names `base` itself (a file, or a whole directory). */
  test: ((relative: string) => boolean) | undefined;
}

function compile(cwd: string, pattern: string): Pattern {
  const scan = picomatch.scan(pattern);
  const base = path.resolve(cwd, scan.base);
  return { base, test: scan.isGlob ? picomatch(scan.glob, { dot: true }) : undefined };
}

function contains(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/** Whether `file` (absolute) is selected by `pattern`. */
function matches(pattern: Pattern, file: string): boolean {
  if (!contains(pattern.base, file)) return false;
  if (!pattern.test) return true; // the named file, or anything under the named directory
  return pattern.test(path.relative(pattern.base, file).split(path.sep).join('/'));
}

export class InputLister {
  readonly #entries = new Map<string, Dirent[]>();
  readonly #ignores = new Map<string, Ignore | null>();

  /** `repoRoot`: where `.gitignore` files start to apply (the git work tree, or the pipeline's root). */
  constructor(readonly repoRoot: string) {}

  /** The git work tree `dir` is in (the nearest ancestor with `.git`), else `dir` itself. */
  static repoRootOf(dir: string): string {
    for (let current = path.resolve(dir); ; current = path.dirname(current)) {
      if (existsSync(path.join(current, '.git'))) return current;
      if (path.dirname(current) === current) return path.resolve(dir);
    }
  }

  /**
   * The input files of a task, absolute and sorted. `patterns` are relative to `cwd`; a
   * pattern starting with `!` excludes. `respectGitignore: false` keeps ignored files.
   */
  list(cwd: string, patterns: readonly string[], respectGitignore = true): string[] {
    return this.select(cwd, patterns, respectGitignore).files;
  }

  /** The files, as `list()`, and the patterns (as written) that selected none of them. */
  select(cwd: string, patterns: readonly string[], respectGitignore = true): { files: string[]; unmatched: string[] } {
    const positive = patterns.filter((pattern) => !pattern.startsWith('!'));
    const negative = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => compile(cwd, pattern.slice(1)));
    const found = new Set<string>();
    const unmatched: string[] = [];
    for (const written of positive) {
      const pattern = compile(cwd, written);
      let any = false;
      for (const file of this.#walk(pattern.base, respectGitignore)) {
        if (matches(pattern, file) && !negative.some((exclude) => matches(exclude, file))) {
          found.add(file);
          any = true;
        }
      }
      if (!any) unmatched.push(written);
    }
    return { files: [...found].sort(), unmatched };
  }

  /**
   * What is wrong with a task's patterns, in words, each naming the pattern: one that selects
   * no file (a typo), one whose files `.gitignore` ignores, one that reaches outside `root`.
   */
  problems(cwd: string, patterns: readonly string[], respectGitignore: boolean, unmatched: readonly string[], root: string): string[] {
    const found: string[] = [];
    for (const written of unmatched) {
      const ignoredOnly = respectGitignore && this.select(cwd, [written], false).files.length > 0;
      found.push(
        ignoredOnly
          ? `inputs pattern '${written}' matches only files that .gitignore ignores (respectGitignore: false takes them)`
          : `inputs pattern '${written}' matches no file`,
      );
    }
    for (const written of patterns) {
      const base = compile(cwd, written.startsWith('!') ? written.slice(1) : written).base;
      if (!contains(root, base)) found.push(`inputs pattern '${written}' reaches outside the project (${root})`);
    }
    return found;
  }

  /** Every file at or under `start` (a file or a directory), pruning what is ignored. */
  *#walk(start: string, respectGitignore: boolean): Generator<string> {
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(start);
    } catch {
      return;
    }
    if (stat.isFile()) {
      if (!respectGitignore || !this.#ignored(start, false)) yield start;
      return;
    }
    if (!stat.isDirectory() || (respectGitignore && this.#ignored(start, true))) return;
    const stack = [start];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      for (const entry of this.#list(dir)) {
        if (ALWAYS_SKIPPED.has(entry.name)) continue;
        const full = path.join(dir, entry.name);
        let isDirectory = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          // A linked file counts; a linked directory is not followed (it could loop).
          try {
            isFile = statSync(full).isFile();
          } catch {
            isFile = false;
          }
          isDirectory = false;
        }
        if (!isDirectory && !isFile) continue;
        if (respectGitignore && this.#ignored(full, isDirectory)) continue;
        if (isDirectory) stack.push(full);
        else yield full;
      }
    }
  }

  #list(dir: string): Dirent[] {
    let entries = this.#entries.get(dir);
    if (!entries) {
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        entries = [];
      }
      this.#entries.set(dir, entries);
    }
    return entries;
  }

  /** Ignored by the `.gitignore` of any directory from the repository's root down to its own. */
  #ignored(file: string, isDirectory: boolean): boolean {
    if (!contains(this.repoRoot, file) || file === this.repoRoot) return false;
    for (let dir = path.dirname(file); contains(this.repoRoot, dir); dir = path.dirname(dir)) {
      const rules = this.#gitignore(dir);
      if (rules) {
        const relative = path.relative(dir, file).split(path.sep).join('/');
        if (rules.ignores(isDirectory ? `${relative}/` : relative)) return true;
      }
      if (dir === this.repoRoot) break;
    }
    return false;
  }

  #gitignore(dir: string): Ignore | null {
    let rules = this.#ignores.get(dir);
    if (rules === undefined) {
      try {
        rules = ignore().add(readFileSync(path.join(dir, '.gitignore'), 'utf8'));
      } catch {
        rules = null;
      }
      this.#ignores.set(dir, rules);
    }
    return rules;
  }
}
