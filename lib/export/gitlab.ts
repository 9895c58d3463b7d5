/** The export model as a GitLab CI pipeline: `needs:` is the DAG; stages only label the jobs. */
import { Document } from 'yaml';
import type { ExportJob, ExportModel } from './model.js';
import { afterGates, groupNotes, header, MERGED_PAGE, MERGED_REPORT, SUMMARY_JOB, summaryCommands } from './shared.js';

/** GitLab retries a job at most twice. */
const GITLAB_MAX_RETRY = 2;

function stageName(stage: number): string {
  return `stage-${stage + 1}`;
}

/** GitLab refuses a job that needs more than this many others. */
export const GITLAB_MAX_NEEDS = 50;

type Need = { job: string; artifacts: boolean };

/**
 * A job's needs, within GitLab's limit: past 50, they are gathered by fan-in jobs (`<id>--needs-N`,
 * in the same stage, each needing up to 50 and passing their artifacts on), and the job needs
 * those. No edge is lost: each need is there, one step further back. `artifacts` are the paths
 * each needed job hands on (its outputs, its run report), for the fan-in job to pass on.
 */
function withinLimit(
  id: string,
  stage: string,
  needs: readonly Need[],
  artifacts: (job: string) => readonly string[],
  into: Record<string, unknown>,
): Need[] {
  if (needs.length <= GITLAB_MAX_NEEDS) return [...needs];
  const fanIns: Need[] = [];
  for (let start = 0, n = 1; start < needs.length; start += GITLAB_MAX_NEEDS, n++) {
    const chunk = needs.slice(start, start + GITLAB_MAX_NEEDS);
    const fanIn = `${id}--needs-${n}`;
    const paths = [...new Set(chunk.filter((need) => need.artifacts).flatMap((need) => artifacts(need.job)))];
    into[fanIn] = {
      stage,
      needs: chunk,
      script: [`echo "gathers ${chunk.length} of what ${id} needs (GitLab allows ${GITLAB_MAX_NEEDS} needs a job)"`],
      ...(paths.length > 0 ? { artifacts: { when: 'always', paths } } : {}),
    };
    fanIns.push({ job: fanIn, artifacts: paths.length > 0 });
  }
  return withinLimit(id, stage, fanIns, (job) => (into[job] as { artifacts?: { paths: string[] } }).artifacts?.paths ?? [], into);
}

function job(one: ExportJob, model: ExportModel, into: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { stage: stageName(one.stage) };
  // needs with artifacts: the outputs of the jobs it needs are restored before it runs. GitLab
  // passes artifacts only along needs, so a job whose outputs come from further back needs it too.
  const needs = [...one.needs, ...one.restores.filter((id) => !one.needs.includes(id))];
  const outputsOf = (id: string) => model.jobs.find((other) => other.id === id)!.outputs;
  result.needs = withinLimit(
    one.id,
    stageName(one.stage),
    needs.map((id) => ({ job: id, artifacts: one.restores.includes(id) })),
    outputsOf,
    into,
  );
  result.script = [one.command];
  if (one.timeoutMinutes !== undefined) result.timeout = `${one.timeoutMinutes} minutes`;
  if (one.retries > 0) {
    // The task's own retries happen inside the job (stagerun); GitLab retries the job only when the runner itself failed.
    result.retry = { max: Math.min(one.retries, GITLAB_MAX_RETRY), when: ['runner_system_failure', 'stuck_or_timeout_failure'] };
  }
  if (one.group !== undefined) result.resource_group = one.group;
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
  for (const one of model.jobs) pipeline[one.id] = job(one, model, pipeline);
  // The summary merges what ran: it does not wait for an approval gate (a manual job), nor for
  // what comes after one, so that a pipeline waiting for approval still has its merged report.
  const gated = afterGates(model);
  const reported = model.jobs.filter((one) => !gated.has(one.id));
  pipeline[SUMMARY_JOB] = {
    stage: 'summary',
    needs: withinLimit(
      SUMMARY_JOB,
      'summary',
      reported.map((one) => ({ job: one.id, artifacts: true })),
      (id) => [model.jobs.find((other) => other.id === id)!.report],
      pipeline,
    ),
    when: 'always',
    script: summaryCommands(model.deployfile, 'table'),
    artifacts: { when: 'always', paths: [MERGED_REPORT, MERGED_PAGE], expose_as: 'stagerun run' },
  };
  const notes: string[] = [];
  for (const one of model.jobs.filter((job) => job.approvals.length > 0)) {
    notes.push(
      `approval: job ${one.id} asks "${one.approvals.join('", "')}": it is a manual job; what needs it waits until someone runs it.`,
    );
  }
  if (gated.size > 0)
    notes.push(
      `the summary does not wait for the approval gates: it merges the reports of the ${reported.length} jobs before them (${gated.size} job${gated.size === 1 ? '' : 's'} from a gate on ${gated.size === 1 ? 'is' : 'are'} not in it).`,
    );
  if (Object.keys(pipeline).some((id) => /--needs-\d+$/.test(id)))
    notes.push(
      `needs: GitLab allows ${GITLAB_MAX_NEEDS} needs a job; larger fan-ins are gathered by --needs-N jobs that pass artifacts on.`,
    );
  const resources = [...new Set(model.jobs.flatMap((one) => one.resources.map((resource) => `${resource.name} (${resource.capacity})`)))];
  if (resources.length > 0)
    notes.push(
      `resources ${resources.join(', ')}: resource_group, one per unit of capacity; the jobs that use one are also chained with needs.`,
    );
  notes.push(...groupNotes(model, 'resource group'));
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
