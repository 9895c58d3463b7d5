/**
 * The CI systems whose logs stagerun writes for, declared once: how each is recognised from
 * its environment. The CLI's `--ci` choices read this table (a module of its own: the
 * option spec reads it at start-up).
 */
type Env = Readonly<Record<string, string | undefined>>;

export const CI_SYSTEM_TABLE = {
  github: { title: 'GitHub Actions', detect: (env: Env) => env.GITHUB_ACTIONS === 'true' },
  gitlab: { title: 'GitLab CI', detect: (env: Env) => env.GITLAB_CI === 'true' },
  bitbucket: { title: 'Bitbucket Pipelines', detect: (env: Env) => Boolean(env.BITBUCKET_BUILD_NUMBER) },
} as const satisfies Record<string, { readonly title: string; readonly detect: (env: Env) => boolean }>;

export type CiSystem = keyof typeof CI_SYSTEM_TABLE;
export const CI_SYSTEMS = Object.keys(CI_SYSTEM_TABLE) as readonly CiSystem[];

/** The CI system this process runs in, from the variables each sets. */
export function detectCi(env: Env): CiSystem | undefined {
  return CI_SYSTEMS.find((system) => CI_SYSTEM_TABLE[system].detect(env));
}
