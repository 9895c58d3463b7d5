/** The schedule policies, declared once: the CLI's choices and help, the option check and the docs test read this table. */
export const SCHEDULE_POLICY_TABLE = {
  dag: { describe: 'start each task as soon as its deps are done, longest remaining chain first' },
  stages: { describe: 'run stage by stage, as a staged Makefile' },
} as const satisfies Record<string, { readonly describe: string }>;

export type SchedulePolicy = keyof typeof SCHEDULE_POLICY_TABLE;
export const SCHEDULE_POLICIES = Object.keys(SCHEDULE_POLICY_TABLE) as readonly SchedulePolicy[];
