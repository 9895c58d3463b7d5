/**
 * The export model as a declarative Jenkinsfile. Top-level stages follow the topological
 * stages (a stage once the previous one has passed), each a `parallel` block of its jobs;
 * a gated job's stage waits at an `input`; counted resources are `lock`s (the Lockable
 * Resources plugin); outputs go from job to job by `stash`/`unstash`; every job archives its
 * run report, and the pipeline's `post` merges them whatever happened.
 */
import { shellQuote } from '../model/model.js';
import type { BitbucketOptions } from './bitbucket.js';
import type { ExportJob, ExportModel } from './model.js';
import { header, MERGED_PAGE, MERGED_REPORT, penaltyNote, summaryCommands } from './shared.js';

/** A Groovy single-quoted string: no interpolation, so nothing in a name is evaluated. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function indent(lines: readonly string[], depth: number): string[] {
  return lines.map((line) => (line === '' ? line : `${'  '.repeat(depth)}${line}`));
}

/** One job: its options (time limit, lock), its input (approval), its environment, its steps. */
function jobStage(model: ExportModel, job: ExportJob): string[] {
  const task = job.tasks.length === 1 ? job.tasks[0]!.name : job.name;
  const approve = job.tasks
    .filter((one) => one.settings.approval !== undefined)
    .map((one) => ` --approve ${shellQuote(one.name)}`)
    .join('');
  const command = `npx stagerun -f ${shellQuote(model.deployfile)} "$STAGERUN_TASK" --no-deps${approve} --report ${job.report}`;
  const options: string[] = [];
  if (job.timeoutMinutes !== undefined) options.push(`timeout(time: ${job.timeoutMinutes}, unit: 'MINUTES')`);
  // One lock per resource: a capacity of N is N lockable resources sharing the resource's name as their label.
  const locks = job.resources.map((resource) =>
    resource.capacity === 1 ? `resource: ${quote(resource.name)}` : `label: ${quote(resource.name)}, quantity: 1`,
  );
  const body: string[] = [];
  if (options.length > 0) body.push('options {', ...indent(options, 1), '}');
  if (job.approvals.length > 0) body.push('input {', `  message ${quote(job.approvals.join(' '))}`, `  ok 'Approve'`, '}');
  body.push(
    'environment {',
    `  STAGERUN_TASK = ${quote(task)}`,
    ...job.secrets.map((name) => `  ${name} = credentials(${quote(name)})`),
    '}',
  );
  const run = [
    "sh 'npm ci'",
    ...job.restores.map((producer) => `unstash ${quote(`outputs-${producer}`)}`),
    `sh ${quote(command)}`,
    ...(job.outputs.length > 0
      ? [`stash name: ${quote(`outputs-${job.id}`)}, includes: ${quote(job.outputs.join(','))}, allowEmpty: true`]
      : []),
  ];
  const steps = locks.reduceRight((inner, lock) => [`lock(${lock}) {`, ...indent(inner, 1), '}'], run);
  body.push('steps {', ...indent(steps, 1), '}');
  body.push(
    'post {',
    '  always {',
    `    archiveArtifacts artifacts: ${quote(job.report)}, allowEmptyArchive: true`,
    `    stash name: ${quote(`report-${job.id}`)}, includes: ${quote(job.report)}, allowEmpty: true`,
    '  }',
    '}',
  );
  return [`stage(${quote(job.id)}) {`, ...indent(body, 1), '}'];
}

export function toJenkins(model: ExportModel, options: BitbucketOptions = {}): string {
  const byStage = new Map<number, ExportJob[]>();
  for (const job of model.jobs) {
    if (!byStage.has(job.stage)) byStage.set(job.stage, []);
    byStage.get(job.stage)!.push(job);
  }
  const stages: string[] = [];
  for (const [number, stage] of [...byStage.keys()].sort((a, b) => a - b).entries()) {
    const jobs = byStage.get(stage)!;
    const inner = jobs.flatMap((job) => jobStage(model, job));
    stages.push(
      `stage('stage-${number + 1}') {`,
      ...indent(jobs.length === 1 ? ['stages {', ...indent(inner, 1), '}'] : ['parallel {', ...indent(inner, 1), '}'], 1),
      '}',
    );
  }
  const unstash = model.jobs.map(
    (job) => `try { unstash ${quote(`report-${job.id}`)} } catch (error) { echo ${quote(`no report from ${job.id}`)} }`,
  );
  const file = [
    'pipeline {',
    '  agent any',
    '  stages {',
    ...indent(stages, 2),
    '  }',
    '  post {',
    '    always {',
    '      script {',
    ...indent(unstash, 4),
    '      }',
    `      sh ${quote(['npm ci', ...summaryCommands(shellQuote(model.deployfile), 'table')].join(' && '))}`,
    `      archiveArtifacts artifacts: ${quote(`${MERGED_REPORT},${MERGED_PAGE}`)}, allowEmptyArchive: true`,
    '    }',
    '  }',
    '}',
  ];
  const comment = header(model, 'jenkins', notes(model, byStage.size, options))
    .split('\n')
    .map((line) => `//${line}`);
  return `${[...comment, '', ...file].join('\n')}\n`;
}

function notes(model: ExportModel, stageCount: number, options: BitbucketOptions): string[] {
  const out = [
    `Declarative pipelines have no dependencies between stages: the ${model.jobs.length} jobs run in ${stageCount} stages (each a parallel block), a stage once the whole previous one has passed.`,
    penaltyNote(options.penalty),
  ];
  for (const job of model.jobs.filter((one) => one.approvals.length > 0))
    out.push(`approval: ${job.id} asks "${job.approvals.join('", "')}": an input step; its stage waits until someone approves.`);
  const resources = [...new Set(model.jobs.flatMap((one) => one.resources.map((resource) => `${resource.name} (${resource.capacity})`)))];
  if (resources.length > 0)
    out.push(
      `resources ${resources.join(', ')}: lock() of the Lockable Resources plugin (install it); a resource of capacity 1 is a lockable resource of that name, one of capacity N is N lockable resources labelled with its name.`,
    );
  if (model.secrets.length > 0) out.push(`secrets ${model.secrets.join(', ')}: Jenkins credentials of those ids (secret text).`);
  out.push(
    "retries happen inside each stage, as stagerun runs them; each time limit is the stage timeout (the task's limit over all its attempts, plus setup).",
  );
  out.push('-j has no equivalent: every stage of a parallel block runs at once, as executors allow.');
  return out;
}
