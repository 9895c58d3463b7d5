// The layout docs/architecture.md promises, held: lib/ in folders by flow step, functions that
// read at once, and no import circle (type-only imports aside).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import ts from 'typescript';
import { repoRoot } from './helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(repoRoot, relative)).isDirectory()) return sources(relative);
    return name.endsWith('.ts') ? [relative] : [];
  });
}

const files = [...sources('lib'), ...sources('cli')];
const parsed = new Map(
  files.map((file) => [file, ts.createSourceFile(file, readFileSync(path.join(repoRoot, file), 'utf8'), ts.ScriptTarget.ES2022, true)]),
);

t.test("lib/'s top level holds at most 12 files; the rest is in folders by flow step", async (t) => {
  const top = readdirSync(path.join(repoRoot, 'lib')).filter((name) => statSync(path.join(repoRoot, 'lib', name)).isFile());
  t.ok(top.length <= 12, `lib/ holds ${top.length} files: ${top.join(', ')}`);
});

t.test('no function in lib/ or cli/ is longer than 150 lines', async (t) => {
  const long: string[] = [];
  for (const [file, source] of parsed) {
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (end - start + 1 > 150) long.push(`${file}:${start + 1} (${end - start + 1} lines)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  t.same(long, []);
});

/** The files a file imports at run time (not `import type`, not `export type`), as paths relative to the repository. */
function runtimeImports(file: string, source: ts.SourceFile): string[] {
  const found: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      const bindings = statement.importClause?.namedBindings;
      const onlyTypes =
        statement.importClause && !statement.importClause.name && bindings && ts.isNamedImports(bindings)
          ? bindings.elements.every((element) => element.isTypeOnly)
          : false;
      if (!onlyTypes) specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier) {
      const clause = statement.exportClause;
      const onlyTypes = clause && ts.isNamedExports(clause) ? clause.elements.every((element) => element.isTypeOnly) : false;
      if (!onlyTypes) specifier = statement.moduleSpecifier;
    }
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('.')) {
      found.push(path.normalize(path.join(path.dirname(file), specifier.text.replace(/\.js$/, '.ts'))));
    }
  }
  return found;
}

t.test('no import circle in lib/ or cli/ (type-only imports aside)', async (t) => {
  const edges = new Map([...parsed].map(([file, source]) => [file, runtimeImports(file, source).filter((to) => parsed.has(to))]));
  const circles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'visiting') circles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  t.same(circles, []);
});
