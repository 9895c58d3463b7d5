/**
 * The export model as a CloudFormation template: an AWS CodePipeline (V2) and the CodeBuild
 * projects its actions run. CodePipeline has no edges between actions: a stage starts when
 * the one before it has succeeded, and within a stage a higher `RunOrder` waits for every
 * lower one. The jobs go in their topological stages; within a stage, a job's run order is
 * one past the jobs of its stage it needs (resources chained by needs are serialised so), and
 * a gated job comes one past a Manual approval action of its own.
 *
 * Each build action runs `npx stagerun TASK --no-deps` in a CodeBuild project of its own (its
 * time limit is the project's), with the task passed in environment variables; outputs and run
 * reports travel through the artifact bucket, under the pipeline execution's id, since an
 * action takes at most five input artifacts. A last stage merges the reports.
 */
import { createHash } from 'node:crypto';
import { Document } from 'yaml';
import { shellQuote } from '../model/model.js';
import type { BitbucketOptions } from './bitbucket.js';
import type { ExportJob, ExportModel } from './model.js';
import { header, MERGED_PAGE, MERGED_REPORT, penaltyNote, summaryCommands } from './shared.js';

/** CodeBuild's own limit when a task has none (minutes): its default. */
const DEFAULT_BUILD_MINUTES = 60;
/** A Manual approval waits at most this long (CodePipeline's maximum, 7 days, in minutes). */
const APPROVAL_MINUTES = 7 * 24 * 60;

const ref = (name: string) => ({ Ref: name });

/** A CloudFormation logical id (letters and digits only), one per job: its id's letters and digits, and a hash of the id. */
function logicalId(job: ExportJob): string {
  const words = job.id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const readable = words
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('')
    .slice(0, 200);
  return `Build${readable}${createHash('sha256').update(job.id).digest('hex').slice(0, 6)}`;
}

/** CodeBuild's range for a project's time limit, in minutes. */
const buildMinutes = (minutes: number | undefined) => Math.min(2160, Math.max(5, minutes ?? DEFAULT_BUILD_MINUTES));

/** Where this execution's files live in the artifact bucket. */
const RUN_PREFIX = 's3://$STAGERUN_BUCKET/stagerun/$STAGERUN_RUN';

function buildspec(model: ExportModel, job: ExportJob): string {
  const gated = job.tasks.filter((task) => task.settings.approval !== undefined);
  const approve = gated.map((task) => ` --approve ${shellQuote(task.name)}`).join('');
  const restore = job.restores.map((producer) => `aws s3 cp "${RUN_PREFIX}/outputs/${producer}.tgz" - | tar xzf -`);
  // The globs come in $STAGERUN_OUTPUTS, one a line, and are expanded as globs only (never run as words).
  const save =
    job.outputs.length > 0
      ? [
          `shopt -s globstar nullglob; IFS=$'\\n'; files=( $STAGERUN_OUTPUTS ); tar czf - "\${files[@]}" | aws s3 cp - "${RUN_PREFIX}/outputs/${job.id}.tgz"`,
        ]
      : [];
  const spec = {
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      install: { commands: ['npm ci'] },
      ...(restore.length > 0 ? { pre_build: { commands: restore } } : {}),
      build: {
        commands: [`npx stagerun -f ${shellQuote(model.deployfile)} "$STAGERUN_TASK" --no-deps${approve} --report ${job.report}`],
      },
      // post_build runs whether build passed or not: the report is saved either way, the outputs only after a success.
      post_build: {
        commands: [
          ...save.map((command) => `if [ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]; then ${command}; fi`),
          `aws s3 cp ${job.report} "${RUN_PREFIX}/reports/${job.report}" || true`,
        ],
      },
    },
  };
  return new Document(spec).toString({ lineWidth: 0 });
}

function summarySpec(model: ExportModel): string {
  return new Document({
    version: 0.2,
    phases: {
      install: { commands: ['npm ci'] },
      build: {
        commands: [
          `aws s3 cp "${RUN_PREFIX}/reports/" . --recursive`,
          ...summaryCommands(shellQuote(model.deployfile), 'table'),
          ...[MERGED_REPORT, MERGED_PAGE].map((file) => `aws s3 cp ${file} "${RUN_PREFIX}/${file}"`),
        ],
      },
    },
  }).toString({ lineWidth: 0 });
}

function project(model: ExportModel, spec: string, minutes: number, variables: Record<string, string>): Record<string, unknown> {
  return {
    Type: 'AWS::CodeBuild::Project',
    Properties: {
      ServiceRole: ref('BuildRoleArn'),
      Source: { Type: 'CODEPIPELINE', BuildSpec: spec },
      Artifacts: { Type: 'CODEPIPELINE' },
      TimeoutInMinutes: minutes,
      Environment: {
        Type: 'LINUX_CONTAINER',
        ComputeType: 'BUILD_GENERAL1_SMALL',
        Image: 'aws/codebuild/standard:7.0',
        EnvironmentVariables: [
          { Name: 'STAGERUN_BUCKET', Type: 'PLAINTEXT', Value: ref('ArtifactBucket') },
          ...Object.entries(variables).map(([Name, Value]) => ({ Name, Type: 'PLAINTEXT', Value })),
          ...model.secrets.map((name) => ({ Name: name, Type: 'SECRETS_MANAGER', Value: `stagerun/${name}` })),
        ],
      },
    },
  };
}

/** Each job's run order within its stage: one past what it needs there, and past its own approval. */
function runOrders(jobs: readonly ExportJob[]): Map<string, { approval: number | undefined; build: number }> {
  const orders = new Map<string, { approval: number | undefined; build: number }>();
  for (const job of jobs) {
    const before = Math.max(0, ...job.needs.map((id) => orders.get(id)?.build ?? 0));
    const approval = job.approvals.length > 0 ? before + 1 : undefined;
    orders.set(job.id, { approval, build: (approval ?? before) + 1 });
  }
  return orders;
}

const buildAction = (job: ExportJob, order: number) => ({
  Name: job.id,
  ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' },
  RunOrder: order,
  Configuration: {
    ProjectName: ref(logicalId(job)),
    // The execution's id names where its outputs and reports go.
    EnvironmentVariables: JSON.stringify([{ name: 'STAGERUN_RUN', value: '#{codepipeline.PipelineExecutionId}', type: 'PLAINTEXT' }]),
  },
  InputArtifacts: [{ Name: 'Source' }],
});

export function toCodePipeline(model: ExportModel, options: BitbucketOptions = {}): string {
  const resources: Record<string, unknown> = {};
  const byStage = new Map<number, ExportJob[]>();
  for (const job of model.jobs) {
    if (!byStage.has(job.stage)) byStage.set(job.stage, []);
    byStage.get(job.stage)!.push(job);
    resources[logicalId(job)] = project(model, buildspec(model, job), buildMinutes(job.timeoutMinutes), {
      STAGERUN_TASK: job.tasks.length === 1 ? job.tasks[0]!.name : job.name,
      ...(job.outputs.length > 0 ? { STAGERUN_OUTPUTS: job.outputs.join('\n') } : {}),
    });
  }
  const stages: Record<string, unknown>[] = [
    {
      Name: 'Source',
      Actions: [
        {
          Name: 'Source',
          ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' },
          RunOrder: 1,
          Configuration: { ConnectionArn: ref('ConnectionArn'), FullRepositoryId: ref('FullRepositoryId'), BranchName: ref('BranchName') },
          OutputArtifacts: [{ Name: 'Source' }],
        },
      ],
    },
  ];
  for (const [number, stage] of [...byStage.keys()].sort((a, b) => a - b).entries()) {
    const jobs = byStage.get(stage)!;
    const orders = runOrders(jobs);
    const actions: Record<string, unknown>[] = [];
    for (const job of jobs) {
      const { approval, build } = orders.get(job.id)!;
      if (approval !== undefined) {
        actions.push({
          Name: `approve-${job.id}`.slice(0, 100),
          ActionTypeId: { Category: 'Approval', Owner: 'AWS', Provider: 'Manual', Version: '1' },
          RunOrder: approval,
          Configuration: { CustomData: job.approvals.join(' ').slice(0, 500) },
          TimeoutInMinutes: APPROVAL_MINUTES,
        });
      }
      actions.push(buildAction(job, build));
    }
    stages.push({ Name: `stage-${number + 1}`, Actions: actions });
  }
  resources.StagerunSummary = project(model, summarySpec(model), DEFAULT_BUILD_MINUTES, {});
  stages.push({
    Name: 'summary',
    Actions: [
      {
        Name: 'stagerun-summary',
        ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' },
        RunOrder: 1,
        Configuration: {
          ProjectName: ref('StagerunSummary'),
          EnvironmentVariables: JSON.stringify([{ name: 'STAGERUN_RUN', value: '#{codepipeline.PipelineExecutionId}', type: 'PLAINTEXT' }]),
        },
        InputArtifacts: [{ Name: 'Source' }],
      },
    ],
  });
  resources.Pipeline = {
    Type: 'AWS::CodePipeline::Pipeline',
    Properties: {
      PipelineType: 'V2',
      RoleArn: ref('PipelineRoleArn'),
      ArtifactStore: { Type: 'S3', Location: ref('ArtifactBucket') },
      Stages: stages,
    },
  };
  const parameter = (Description: string) => ({ Type: 'String', Description });
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `stagerun ${model.targets.join(' ')}`.trim(),
    Parameters: {
      ConnectionArn: parameter('The CodeStar connection to the repository (Developer Tools → Connections)'),
      FullRepositoryId: parameter('owner/name of the repository'),
      BranchName: { ...parameter('The branch to build'), Default: 'main' },
      ArtifactBucket: parameter('An S3 bucket for the pipeline artifacts, outputs and run reports'),
      PipelineRoleArn: parameter("CodePipeline's service role"),
      BuildRoleArn: parameter("CodeBuild's service role (it reads and writes the artifact bucket)"),
    },
    Resources: resources,
  };
  const document = new Document(template);
  document.commentBefore = header(model, 'codepipeline', notes(model, stages.length - 2, options));
  return document.toString({ lineWidth: 0 });
}

function notes(model: ExportModel, stageCount: number, options: BitbucketOptions): string[] {
  const out = [
    `CodePipeline has no dependencies between actions: the ${model.jobs.length} jobs run in ${stageCount} stages, a stage once the whole previous one has succeeded; within a stage, a job whose run order is higher waits for every lower one.`,
    penaltyNote(options.penalty),
  ];
  for (const job of model.jobs.filter((one) => one.approvals.length > 0))
    out.push(`approval: ${job.id} asks "${job.approvals.join('", "')}": a Manual approval action before it (it waits at most 7 days).`);
  const resources = [...new Set(model.jobs.flatMap((one) => one.resources.map((resource) => resource.name)))];
  if (resources.length > 0)
    out.push(
      `resources ${resources.join(', ')}: within a stage, the jobs that share one run one after another (run orders); across pipeline executions nothing keeps them apart (CodePipeline runs one execution per stage at a time in SUPERSEDED mode, the default).`,
    );
  if (model.secrets.length > 0)
    out.push(`secrets ${model.secrets.join(', ')}: read from Secrets Manager (stagerun/NAME); give the build role access to them.`);
  out.push("retries happen inside each build, as stagerun runs them; time limits are each project's TimeoutInMinutes (60 without one).");
  out.push('-j has no equivalent: every action of a run order runs at once.');
  return out;
}
