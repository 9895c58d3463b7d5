/** The export model as a GitHub Actions workflow. */
import { Document } from 'yaml';
import type { ExportJob, ExportModel } from './model.js';
import { afterGates, groupNotes, header, MERGED_PAGE, MERGED_REPORT, SUMMARY_JOB, setupSteps, summaryCommands } from './shared.js';

function environmentName(job: ExportJob): string {
  return job.id;
}

function job(model: ExportModel, job: ExportJob): Record<string, unknown> {
  const steps: Record<string, unknown>[] = setupSteps('github');
  for (const from of job.restores) {
    const producer = model.jobs.find((other) => other.id === from)!;
    steps.push({
      name: `Restore what ${producer.name} made`,
      uses: 'actions/download-artifact@v4',
      with: { name: `outputs-${from}`, path: producer.outputBase },
    });
  }
  if (job.keys) {
    // The newest keys this job saved, from any earlier run: a hint of what is up to date (caches are immutable, so each run saves anew).
    steps.push({
      name: "Restore the tasks' keys",
      uses: 'actions/cache/restore@v4',
      with: { path: job.keys, key: `stagerun-keys-${job.id}-\${{ github.sha }}`, 'restore-keys': `stagerun-keys-${job.id}-` },
    });
  }
  // Secrets go to the one step that runs stagerun: checkout, cache and artifact steps never see them.
  const run: Record<string, unknown> = { name: job.name, run: job.command };
  if (job.secrets.length > 0) run.env = Object.fromEntries(job.secrets.map((name) => [name, `\${{ secrets.${name} }}`]));
  steps.push(run);
  if (job.keys) {
    steps.push({
      name: "Save the tasks' keys",
      uses: 'actions/cache/save@v4',
      with: { path: job.keys, key: `stagerun-keys-${job.id}-\${{ github.sha }}-\${{ github.run_id }}-\${{ github.run_attempt }}` },
    });
  }
  if (job.outputs.length > 0) {
    steps.push({
      name: `Save what ${job.name} made`,
      uses: 'actions/upload-artifact@v4',
      with: { name: `outputs-${job.id}`, path: job.outputs.join('\n'), 'if-no-files-found': 'error' },
    });
  }
  steps.push({
    name: 'Save the run report',
    if: 'always()',
    uses: 'actions/upload-artifact@v4',
    with: { name: `stagerun-report-${job.id}`, path: job.report, 'if-no-files-found': 'ignore' },
  });
  const result: Record<string, unknown> = { name: job.name, 'runs-on': 'ubuntu-latest' };
  if (job.needs.length > 0) result.needs = [...job.needs];
  if (job.timeoutMinutes !== undefined) result['timeout-minutes'] = job.timeoutMinutes;
  if (job.approvals.length > 0) result.environment = environmentName(job);
  // A job can be in one concurrency group (see ExportJob.group).
  if (job.group !== undefined) result.concurrency = { group: `stagerun-${job.group}`, 'cancel-in-progress': false };
  result.steps = steps;
  return result;
}

export function toGithubActions(model: ExportModel): string {
  const jobs: Record<string, unknown> = {};
  for (const one of model.jobs) jobs[one.id] = job(model, one);
  // The summary merges what ran: it does not wait for an approval gate, nor for what comes after one.
  const gated = afterGates(model);
  jobs[SUMMARY_JOB] = {
    name: 'stagerun summary',
    needs: model.jobs.filter((one) => !gated.has(one.id)).map((one) => one.id),
    if: 'always()',
    'runs-on': 'ubuntu-latest',
    steps: [
      ...setupSteps('github'),
      { uses: 'actions/download-artifact@v4', with: { pattern: 'stagerun-report-*', 'merge-multiple': true } },
      { name: 'Where the time went', run: `${summaryCommands(model.deployfile, 'markdown').join('\n')}\n` },
      {
        name: 'Save the whole run',
        uses: 'actions/upload-artifact@v4',
        with: { name: 'stagerun-run', path: `${MERGED_REPORT}\n${MERGED_PAGE}\n` },
      },
    ],
  };
  const workflow = {
    name: `stagerun ${model.targets.join(' ')}`.trim(),
    on: { push: { branches: ['main'] }, workflow_dispatch: {} },
    permissions: { contents: 'read' },
    jobs,
  };
  const document = new Document(workflow);
  const notes = model.jobs
    .filter((one) => one.approvals.length > 0)
    .map(
      (one) =>
        `approval: job ${one.id} asks "${one.approvals.join('", "')}": it runs in the environment '${environmentName(one)}'; add required reviewers to that environment (Settings → Environments), or it runs unapproved.`,
    );
  const resources = [...new Set(model.jobs.flatMap((one) => one.resources.map((resource) => `${resource.name} (${resource.capacity})`)))];
  if (resources.length > 0)
    notes.push(
      `resources ${resources.join(', ')}: the jobs that use one are chained (each needs the one before) and in a concurrency group, so that they never overlap, within a run or across runs.`,
    );
  notes.push(...groupNotes(model, 'concurrency group'));
  if (gated.size > 0)
    notes.push(
      `the summary does not wait for the approval gates: it merges the reports of the jobs before them (${gated.size} job${gated.size === 1 ? '' : 's'} from a gate on ${gated.size === 1 ? 'is' : 'are'} not in it).`,
    );
  if (model.secrets.length > 0) notes.push(`secrets ${model.secrets.join(', ')}: add them as repository or environment secrets.`);
  if (model.jobs.some((one) => one.keys))
    notes.push(
      "keys: the jobs of tasks with inputs or a check restore the keys they saved in an earlier run (actions/cache), so unchanged tasks are up to date; a cache is a hint (a task's check, where declared, decides), and GitHub evicts caches unused for 7 days.",
    );
  notes.push('-j has no equivalent: GitHub runs every job whose needs are done (max-parallel applies only to matrix jobs).');
  document.commentBefore = header(model, 'github-actions', notes);
  return document.toString({ lineWidth: 0 });
}
