/**
 * The export model as a Bitbucket Pipelines file. Bitbucket has no job-level DAG and no
 * nested parallel groups, so the jobs go in barrier stages: each stage a `parallel` group,
 * the next stage once all of it is done, as the staged Makefile of stagerun's story did.
 * The file says what that costs, from the user's own recorded durations.
 */
import { createHash } from 'node:crypto';
import { Document } from 'yaml';
import type { ExportJob, ExportModel } from './model.js';
import { header, MERGED_PAGE, MERGED_REPORT, penaltyNote, summaryCommands } from './shared.js';

export interface BitbucketOptions {
  /** What barrier stages cost against the DAG, predicted from history (compare --simulate, stages vs dag). */
  penalty?: { dagMs: number; stagesMs: number; recordedRuns: number } | undefined;
}

/**
 * A Bitbucket cache is a directory: the `.stagerun` one beside the deployfile, one cache per
 * job. Its name may hold only lowercase letters, digits and dashes (50 at most): the job id,
 * so changed, and a hash of it, which keeps two ids that change alike apart.
 */
function keysCache(one: ExportJob): string {
  const readable = one.id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  return `stagerun-${readable}-${createHash('sha256').update(one.id).digest('hex').slice(0, 8)}`.replace(/--+/g, '-');
}

function step(one: ExportJob): Record<string, unknown> {
  const result: Record<string, unknown> = { name: one.name, script: ['npm ci', one.command] };
  if (one.timeoutMinutes !== undefined) result['max-time'] = one.timeoutMinutes;
  if (one.approvals.length > 0) result.trigger = 'manual';
  result.artifacts = [...one.outputs, one.report];
  if (one.keys) result.caches = [keysCache(one)];
  return { step: result };
}

/**
 * Stages of jobs: by topological generation; a stage is split where its jobs would hold a
 * resource beyond its capacity, and a gated job (a manual step) gets its own.
 */
function stagesOf(model: ExportModel): ExportJob[][] {
  const byStage = new Map<number, ExportJob[]>();
  for (const one of model.jobs) {
    if (!byStage.has(one.stage)) byStage.set(one.stage, []);
    byStage.get(one.stage)!.push(one);
  }
  const stages: ExportJob[][] = [];
  for (const stage of [...byStage.keys()].sort((a, b) => a - b)) {
    let current: ExportJob[] = [];
    const used = new Map<string, number>();
    const close = () => {
      if (current.length > 0) stages.push(current);
      current = [];
      used.clear();
    };
    for (const one of byStage.get(stage)!) {
      if (one.approvals.length > 0) {
        close();
        stages.push([one]);
        continue;
      }
      if (one.resources.some((resource) => (used.get(resource.name) ?? 0) >= resource.capacity)) close();
      for (const resource of one.resources) used.set(resource.name, (used.get(resource.name) ?? 0) + 1);
      current.push(one);
    }
    close();
  }
  return stages;
}

export function toBitbucket(model: ExportModel, options: BitbucketOptions = {}): string {
  const stages = stagesOf(model);
  const steps: Record<string, unknown>[] = stages.map((jobs) => (jobs.length === 1 ? step(jobs[0]!) : { parallel: jobs.map(step) }));
  // The run reports are artifacts of every step: the last step merges them into one (it runs when all before it passed).
  steps.push({
    step: {
      name: 'stagerun summary',
      script: ['npm ci', ...summaryCommands(model.deployfile, 'table')],
      artifacts: [MERGED_REPORT, MERGED_PAGE],
    },
  });
  const cached = model.jobs.filter((one) => one.keys !== undefined);
  const file: Record<string, unknown> = { image: 'node:20' };
  if (cached.length > 0)
    file.definitions = { caches: Object.fromEntries(cached.map((one) => [keysCache(one), one.keys!.replace(/\/keys\.json$/, '')])) };
  file.pipelines = { default: steps };
  const notes = [
    `Bitbucket Pipelines has no job-level dependencies and no nested parallel groups: the ${model.jobs.length} jobs run in ${stages.length} barrier stages (each a parallel group), and a stage starts only when the whole previous one is done.`,
    penaltyNote(options.penalty),
  ];
  for (const one of model.jobs.filter((job) => job.approvals.length > 0))
    notes.push(`approval: ${one.name} asks "${one.approvals.join('", "')}": a manual step.`);
  if (model.secrets.length > 0) notes.push(`secrets ${model.secrets.join(', ')}: add them as secured repository variables.`);
  if (cached.length > 0)
    notes.push(
      "keys: each job caches stagerun's .stagerun directory; Bitbucket keeps a cache a week and does not replace it meanwhile, so it is only a hint of what is up to date (a task's check, where declared, decides).",
    );
  notes.push(
    '-j has no equivalent: every step of a parallel group runs at once. Outputs (and run reports) are artifacts, which later steps receive.',
  );
  if (stages[0]?.some((one) => one.approvals.length > 0))
    notes.push('Bitbucket does not allow a manual first step: the first stage holds an approval gate, so add a step before it.');
  const document = new Document(file);
  document.commentBefore = header(model, 'bitbucket', notes);
  return document.toString({ lineWidth: 0 });
}
