/**
 * Splits a byte stream into lines: UTF-8 decoded across chunk boundaries, `\n` or `\r\n`
 * endings, and a last line without an ending flushed at the end. A line redrawn with
 * carriage returns (a progress bar: `10%\r50%\r100%`) is what a terminal finally shows of
 * it, its last part; prefixed with a task's name, the raw `\r` would overwrite the prefix.
 *
 * Linear in the output, whatever its shape: each chunk is scanned once, an unfinished line
 * is kept as pieces (never re-scanned), and a line longer than `MAX_LINE` characters is
 * handed on in pieces of that length, so memory stays bounded by it.
 */
import { StringDecoder } from 'node:string_decoder';

const CR = 13;
/** The longest line handed on whole; a longer one comes in pieces of this many characters. */
export const MAX_LINE = 1 << 20;

/** The last part of a line redrawn with `\r` (trailing ones, as in `\r\n`, ignored). */
function lastDrawn(line: string): string {
  if (line.indexOf('\r') === -1) return line;
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === CR) end--;
  return line.slice(line.lastIndexOf('\r', end - 1) + 1, end);
}

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  /** The line not yet ended, in pieces. */
  #pending: string[] = [];
  #length = 0;

  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    // Most output has no `\r` at all: looked for once per chunk rather than once per line.
    const redraws = text.indexOf('\r') !== -1;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const piece = text.slice(start, end);
      if (this.#length > 0) this.emit(lastDrawn(this.#take() + piece));
      else this.emit(redraws ? lastDrawn(piece) : piece);
      start = end + 1;
    }
    if (start < text.length) this.#hold(start === 0 ? text : text.slice(start));
  }

  /** Emits what is left, if anything. */
  end(): void {
    const rest = this.#decoder.end();
    if (rest) this.#hold(rest);
    if (this.#length > 0) this.emit(lastDrawn(this.#take()));
  }

  #take(): string {
    const line = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join('');
    this.#pending = [];
    this.#length = 0;
    return line;
  }

  /** Keeps an unfinished line's text: a redraw (`\r` then more) drops what it draws over. */
  #hold(text: string): void {
    const last = this.#pending.at(-1);
    // A `\r` at the end of what was held was not the first half of `\r\n` after all.
    if (last !== undefined && last.charCodeAt(last.length - 1) === CR) this.#take();
    const redrawn = text.lastIndexOf('\r', text.length - 2);
    const kept = redrawn === -1 ? text : text.slice(redrawn + 1);
    if (redrawn !== -1) this.#take();
    this.#pending.push(kept);
    this.#length += kept.length;
    if (this.#length >= MAX_LINE) {
      const line = this.#take();
      for (let from = 0; from < line.length; from += MAX_LINE) this.emit(line.slice(from, from + MAX_LINE));
    }
  }
}
