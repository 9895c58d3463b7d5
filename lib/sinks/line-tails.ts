/** How many of a failing task's last lines the terminal shows and the report keeps, unless told. */
export const DEFAULT_TAIL_LINES = 15;

interface Ring {
  lines: string[];
  next: number;
  size: number;
}

/**
 * The last lines of each task's output, in a ring per task (by task id): a line costs one
 * store, whatever the task prints. It is on the path of every line a task prints.
 */
export class LineTails {
  readonly #rings: (Ring | undefined)[] = [];

  constructor(private readonly defaultSize: number) {}

  /** Keeps `line` among the last `size` (default: the constructor's) of task `id`. */
  add(id: number, line: string, size = this.defaultSize): void {
    let ring = this.#rings[id];
    if (ring === undefined) {
      ring = { lines: [], next: 0, size: Math.max(1, size) };
      this.#rings[id] = ring;
    }
    ring.lines[ring.next] = line;
    ring.next = ring.next + 1 === ring.size ? 0 : ring.next + 1;
  }

  /** Task `id`'s last lines, oldest first; undefined when it printed none. */
  get(id: number): string[] | undefined {
    const ring = this.#rings[id];
    if (ring === undefined) return undefined;
    return ring.lines.length < ring.size ? [...ring.lines] : [...ring.lines.slice(ring.next), ...ring.lines.slice(0, ring.next)];
  }

  /** Task `id`'s last lines, oldest first, and forgets them. */
  take(id: number): string[] {
    const lines = this.get(id) ?? [];
    this.#rings[id] = undefined;
    return lines;
  }
}
