/**
 * The approval questions open now. Each is put to the approver with a signal that aborts
 * when the run no longer needs the answer; an answer that comes after that is ignored.
 */
import type { Signal } from '../model/model.js';
import type { PlanTask } from '../plan/plan.js';

/** A person's answer to an approval gate, or why there was none. */
export type ApprovalAnswer = { readonly approved: true; readonly by: string } | { readonly approved: false; readonly reason: string };

/** Who answers approval gates: a prompt, flags, or (in simulation) nobody needs to. */
export interface Approver {
  /** `signal` aborts when the run no longer needs the answer (it was interrupted). */
  request(task: PlanTask, question: string, signal: Signal): ApprovalAnswer | Promise<ApprovalAnswer>;
}

export const NO_APPROVER: Approver = { request: () => ({ approved: false, reason: 'no one to ask' }) };

export class Approvals {
  readonly #open = new Map<number, AbortController>();

  constructor(private readonly approver: Approver) {}

  get size(): number {
    return this.#open.size;
  }

  /** Asks about `task`; `answered` is called once, with the answer (or why there was none), unless the question is withdrawn first. */
  ask(task: PlanTask, question: string, answered: (answer: ApprovalAnswer) => void): void {
    const controller = new AbortController();
    this.#open.set(task.id, controller);
    const take = (answer: ApprovalAnswer) => {
      if (controller.signal.aborted || this.#open.get(task.id) !== controller) return;
      this.#open.delete(task.id);
      answered(answer);
    };
    const answer = this.approver.request(task, question, controller.signal);
    if (answer instanceof Promise) {
      answer.then(take, (error: unknown) =>
        take({ approved: false, reason: `the question could not be asked: ${(error as Error)?.message ?? error}` }),
      );
    } else {
      take(answer);
    }
  }

  /** Withdraws every open question, in the order they were asked (their answers will be ignored), calling `withdrawn` after each. */
  withdrawAll(withdrawn: (id: number) => void): void {
    for (const [id, controller] of [...this.#open]) {
      controller.abort();
      this.#open.delete(id);
      withdrawn(id);
    }
  }
}
