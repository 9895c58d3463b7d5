/**
 * The admission rule: whether a ready task may start now. Three things can hold it back:
 * no free slot (`-j`), the stage barrier (`--schedule stages`: stage k+1 waits for all of
 * stage k), and a counted resource in use by as many tasks as it allows. The scheduler
 * asks one question, `blocker(task)`, and parks a task blocked by the stage or a resource
 * under that blocker's key, so that it does not hold back the tasks behind it.
 */
import type { SchedulePolicy } from '../events/events.js';
import type { PlanTask } from '../plan/plan.js';

/** What holds a task back; `key` names what it waits for (a resource, a stage). */
export type Blocker =
  | { readonly kind: 'slots' }
  | { readonly kind: 'stage'; readonly key: string }
  | { readonly kind: 'resource'; readonly key: string };

const resourceKey = (name: string) => `resource:${name}`;
const stageKey = (stage: number) => `stage:${stage}`;

export class Admission {
  readonly #jobs: number;
  readonly #policy: SchedulePolicy;
  readonly #capacity: ReadonlyMap<string, number>;
  readonly #inUse = new Map<string, number>();
  #running = 0;
  #openStage = 0;

  constructor(options: { jobs: number; policy: SchedulePolicy; resources: Readonly<Record<string, number>> }) {
    this.#jobs = options.jobs;
    this.#policy = options.policy;
    this.#capacity = new Map(Object.entries(options.resources));
  }

  /** A free slot for some task: the scheduler stops looking at ready tasks when there is none. */
  get hasSlot(): boolean {
    return this.#running < this.#jobs;
  }

  /** The stage tasks may start in, under `--schedule stages`. */
  get openStage(): number {
    return this.#openStage;
  }

  /** What holds `task` back now, or undefined if it may start. */
  blocker(task: PlanTask): Blocker | undefined {
    if (this.#running >= this.#jobs) return { kind: 'slots' };
    if (this.#policy === 'stages' && task.stage > this.#openStage) return { kind: 'stage', key: stageKey(task.stage) };
    for (const name of task.settings.uses) {
      if ((this.#inUse.get(name) ?? 0) >= (this.#capacity.get(name) ?? Number.POSITIVE_INFINITY))
        return { kind: 'resource', key: resourceKey(name) };
    }
    return undefined;
  }

  /** The task starts: it takes a slot and a unit of each resource it uses. */
  take(task: PlanTask): void {
    this.#running++;
    for (const name of task.settings.uses) this.#inUse.set(name, (this.#inUse.get(name) ?? 0) + 1);
  }

  /** The task's attempt ended; returns the keys whose parked tasks may now start. */
  release(task: PlanTask): string[] {
    this.#running--;
    const freed: string[] = [];
    for (const name of task.settings.uses) {
      this.#inUse.set(name, this.#inUse.get(name)! - 1);
      freed.push(resourceKey(name));
    }
    return freed;
  }

  /** Opens the next stage; returns its key, whose parked tasks may now start. */
  openNextStage(): string {
    this.#openStage++;
    return stageKey(this.#openStage);
  }
}
