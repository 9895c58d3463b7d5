/**
 * The life of one task in a run, as a state machine:
 *
 *   waiting ─► ready ─► running (attempt k) ─► settled (one final status)
 *      │        ▲ │         │
 *      │        │ └► parked (a resource, or the stage barrier) ─┐
 *      │        ◄───────────────────────────────────────────────┘
 *      │        ◄── retry-wait ◄── (attempt k failed, retries left)
 *      └► awaiting approval ─► ready
 *
 * Any state but running can be settled directly (skipped, cancelled, needs-approval…); a
 * running task is settled only through its attempt's end. The table below is the whole
 * set of transitions: any other is a bug in the scheduler, and throws.
 */

export const State = {
  Waiting: 0,
  AwaitingApproval: 1,
  Ready: 2,
  Parked: 3,
  Running: 4,
  RetryWait: 5,
  Settled: 6,
} as const;
export type State = (typeof State)[keyof typeof State];

const NAMES = ['waiting', 'awaiting approval', 'ready', 'parked', 'running', 'retry-wait', 'settled'] as const;

const ALLOWED: Record<State, readonly State[]> = {
  [State.Waiting]: [State.AwaitingApproval, State.Ready, State.Settled],
  [State.AwaitingApproval]: [State.Ready, State.Settled],
  [State.Ready]: [State.Running, State.Parked, State.Settled],
  [State.Parked]: [State.Ready, State.Settled],
  [State.Running]: [State.RetryWait, State.Settled],
  [State.RetryWait]: [State.Ready, State.Settled],
  [State.Settled]: [],
};

/** Every task's state, by task id, and how many of them are in each. */
export class TaskStates {
  readonly #states: Uint8Array;
  readonly #counts = new Int32Array(NAMES.length);

  constructor(count: number) {
    this.#states = new Uint8Array(count);
    this.#counts[State.Waiting] = count;
  }

  of(id: number): State {
    return this.#states[id] as State;
  }

  is(id: number, state: State): boolean {
    return this.#states[id] === state;
  }

  /** How many tasks are in `state`. */
  count(state: State): number {
    return this.#counts[state]!;
  }

  move(id: number, to: State): void {
    const from = this.#states[id] as State;
    if (!ALLOWED[from].includes(to)) throw new Error(`scheduler: task ${id} cannot go from ${NAMES[from]} to ${NAMES[to]}`);
    this.#states[id] = to;
    this.#counts[from]!--;
    this.#counts[to]!++;
  }
}
