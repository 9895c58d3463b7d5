/**
 * Approval gates answered ahead of time: `true` (`--approve-all`) approves every gate, `--approve NAME`
 * the gates of a task or of a service's tasks. What is not approved ahead goes to a
 * fallback (the CLI's prompt), or, without one, ends `needs-approval`.
 */
import { UsageError } from '../errors.js';
import type { Plan, PlanTask } from '../plan/plan.js';
import type { ApprovalAnswer, Approver } from '../schedule/approvals.js';
import { closest } from '../util/suggest.js';

/** `true`: every gate; names: the gates of these tasks or services' tasks. */
export type Approvals = true | readonly string[];

/** The gated tasks each name approves. A name that approves nothing is a mistake, not a no-op. */
export function approvedAhead(plan: Plan, approvals: Approvals | undefined): Map<string, string> {
  const approved = new Map<string, string>();
  const gated = plan.tasks.filter((task) => task.settings.approval !== undefined);
  if (approvals === true) {
    for (const task of gated) approved.set(task.name, 'all gates approved ahead');
    return approved;
  }
  for (const name of approvals ?? []) {
    const matches = gated.filter((task) => task.name === name || task.service === name);
    if (matches.length === 0) {
      const suggestion = closest(name, [
        ...gated.map((task) => task.name),
        ...new Set(gated.flatMap((task) => (task.service ? [task.service] : []))),
      ]);
      const error = new UsageError(
        `cannot approve '${name}': it is not a task with an approval gate, nor a service with one, among the tasks this run plans`,
      );
      error.hints.push(
        gated.length > 0
          ? `gated tasks: ${gated.map((task) => task.name).join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`
          : 'this run has no approval gates',
      );
      throw error;
    }
    for (const task of matches) approved.set(task.name, `--approve ${name}`);
  }
  return approved;
}

/** Approves what was approved ahead; asks `fallback` about the rest (none: the gate is not passed). */
export function approverFor(plan: Plan, approvals: Approvals | undefined, fallback?: Approver): Approver {
  const ahead = approvedAhead(plan, approvals);
  return {
    request(task: PlanTask, question, signal): ApprovalAnswer | Promise<ApprovalAnswer> {
      const by = ahead.get(task.name);
      if (by !== undefined) return { approved: true, by };
      if (fallback) return fallback.request(task, question, signal);
      return { approved: false, reason: 'no one approved it' };
    },
  };
}
