/**
 * The CI systems stagerun exports to, declared once: the CLI's choices and help, the
 * engine check and the docs test read this table (a module of its own: the option spec
 * reads it at start-up). Each engine's writer is `export/<engine>.ts`.
 */
export const ENGINE_TABLE = {
  'github-actions': { title: 'GitHub Actions', file: '.github/workflows/deploy.yml' },
  'gitlab-ci': { title: 'GitLab CI', file: '.gitlab-ci.yml' },
  bitbucket: { title: 'Bitbucket Pipelines', file: 'bitbucket-pipelines.yml' },
  codepipeline: { title: 'AWS CodePipeline', file: 'pipeline.yml' },
  jenkins: { title: 'Jenkins', file: 'Jenkinsfile' },
} as const satisfies Record<string, { readonly title: string; readonly file: string }>;

export type Engine = keyof typeof ENGINE_TABLE;
export const ENGINES = Object.keys(ENGINE_TABLE) as readonly Engine[];
