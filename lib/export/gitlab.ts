/** The export model as a GitLab CI pipeline: `needs:` is the DAG; stages only label the jobs. */
import { Document } from 'yaml';
import type { ExportJob, ExportModel } from './model.js';
import { header, MERGED_REPORT, SUMMARY_JOB, summaryCommands } from './shared.js';

/** GitLab retries a job at most twice. */
const GITLAB_MAX_RETRY = 2;

function stageName(stage: number): string {
  return `stage-${stage + 1}`;
}

function resourceGroup(resource: { name: string; capacity: number; slot: number }): string {
  return resource.capacity === 1 ? resource.name : `${resource.name}-${resource.slot}`;
}

function job(one: ExportJob): Record<string, unknown> {
  const result: Record<string, unknown> = { stage: stageName(one.stage) };
  // needs with artifacts: the outputs of the jobs it needs are restored before it runs. GitLab
  // passes artifacts only along needs, so a job whose outputs come from further back needs it too.
  const needs = [...one.needs, ...one.restores.filter((id) => !one.needs.includes(id))];
  result.needs = needs.map((id) => ({ job: id, artifacts: one.restores.includes(id) }));
  result.script = [one.command];
  if (one.timeoutMinutes !== undefined) result.timeout = `${one.timeoutMinutes} minutes`;
  if (one.retries > 0) {
    // The task's own retries happen inside the job (stagerun); GitLab retries the job only when the runner itself failed.
    result.retry = { max: Math.min(one.retries, GITLAB_MAX_RETRY), when: ['runner_system_failure', 'stuck_or_timeout_failure'] };
  }
  if (one.resources.length > 0) result.resource_group = resourceGroup(one.resources[0]!);
  if (one.approvals.length > 0) {
    // A manual job that must be run (allow_failure: false) blocks what needs it: the approval.
    result.when = 'manual';
    result.allow_failure = false;
  }
  // The keys this job recorded last time (on this runner, or in the distributed cache): a hint of what is up to date.
  if (one.keys) result.cache = { key: `stagerun-keys-${one.id}`, paths: [one.keys], policy: 'pull-push' };
  const paths = [...one.outputs];
  result.artifacts = { when: 'always', paths: [...paths, one.report] };
  return result;
}

export function toGitlabCi(model: ExportModel): string {
  const stages = [...new Set(model.jobs.map((one) => one.stage))].sort((a, b) => a - b).map(stageName);
  const pipeline: Record<string, unknown> = {
    stages: [...stages, 'summary'],
    default: { image: 'node:20', before_script: ['npm ci'] },
  };
  for (const one of model.jobs) pipeline[one.id] = job(one);
  pipeline[SUMMARY_JOB] = {
    stage: 'summary',
    needs: model.jobs.map((one) => ({ job: one.id, artifacts: true })),
    when: 'always',
    script: summaryCommands(model, 'table'),
    artifacts: { when: 'always', paths: [MERGED_REPORT] },
  };
  const notes: string[] = [];
  for (const one of model.jobs.filter((job) => job.approvals.length > 0)) {
    notes.push(
      `approval: job ${one.id} asks "${one.approvals.join('", "')}": it is a manual job; what needs it waits until someone runs it.`,
    );
  }
  const resources = [...new Set(model.jobs.flatMap((one) => one.resources.map((resource) => `${resource.name} (${resource.capacity})`)))];
  if (resources.length > 0)
    notes.push(
      `resources ${resources.join(', ')}: resource_group, one per unit of capacity; the jobs that use one are also chained with needs.`,
    );
  const retried = model.jobs.filter((one) => one.retries > GITLAB_MAX_RETRY);
  if (retried.length > 0) {
    notes.push(
      `retries above ${GITLAB_MAX_RETRY} (${retried.map((one) => `${one.id}: ${one.retries}`).join(', ')}): GitLab retries a job at most ${GITLAB_MAX_RETRY} times; the task's own retries all happen inside its job, as declared.`,
    );
  }
  if (model.secrets.length > 0)
    notes.push(`secrets ${model.secrets.join(', ')}: add them as masked CI/CD variables (Settings → CI/CD → Variables).`);
  if (model.jobs.some((one) => one.keys))
    notes.push(
      "keys: the jobs of tasks with inputs or a check cache .stagerun/keys.json (cache:), so unchanged tasks are up to date; GitLab's cache is per runner unless a distributed cache is set up, so it is a hint (a task's check, where declared, decides).",
    );
  notes.push('-j has no equivalent: GitLab runs every job whose needs are done, as runners allow.');
  const document = new Document(pipeline);
  document.commentBefore = header(model, 'gitlab-ci', notes);
  return document.toString({ lineWidth: 0 });
}
