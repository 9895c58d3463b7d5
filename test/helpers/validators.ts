/**
 * The CI systems' own validators. GitHub's workflow parser (@actions/workflow-parser, from
 * actions/languageservices) imports its JSON schema without an import attribute, which
 * Node 20 refuses: it is bundled with esbuild here, once per test process. GitLab's
 * `ci.json` (from gitlab-org/gitlab) and SchemaStore's Bitbucket Pipelines schema (from
 * atlassianlabs/atlascode) come from the `schemastore` package, an offline copy of
 * SchemaStore's catalogue; ajv checks files against them.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
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

/** Every error GitHub's own parser finds in a workflow (parsing, then converting it to a template: needs, jobs…). */
export async function githubErrors(text: string): Promise<string[]> {
  const wp = await workflowParser();
  const parsed = wp.parseWorkflow({ name: 'workflow.yml', content: text }, new wp.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value) {
    const template = await wp.convertWorkflowTemplate(parsed.context, parsed.value);
    for (const error of template.errors ?? []) errors.push(error.Message);
  }
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
