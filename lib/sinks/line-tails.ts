/** How many of a failing task's last lines the terminal shows and the report keeps, unless told. */
export const DEFAULT_TAIL_LINES = 15;

/** The last lines of each task's output, in a ring per task: a line costs one store, whatever the task prints. */
export class LineTails {
  readonly #rings = new Map<number, { lines: string[]; next: number; size: number }>();

  constructor(private readonly defaultSize: number) {}

  /** Keeps `line` among the last `size` (default: the constructor's) of task `id`. */
  add(id: number, line: string, size = this.defaultSize): void {
    let ring = this.#rings.get(id);
    if (!ring) {
      ring = { lines: [], next: 0, size: Math.max(1, size) };
      this.#rings.set(id, ring);
    }
    ring.lines[ring.next] = line;
    ring.next = (ring.next + 1) % ring.size;
  }

  /** Task `id`'s last lines, oldest first, and forgets them. */
  take(id: number): string[] {
    const ring = this.#rings.get(id);
    if (!ring) return [];
    this.#rings.delete(id);
    return ring.lines.length < ring.size ? ring.lines : [...ring.lines.slice(ring.next), ...ring.lines.slice(0, ring.next)];
  }
}
