/**
 * Splits a byte stream into lines: UTF-8 decoded across chunk boundaries, `\n` or `\r\n`
 * endings, and a last line without an ending flushed at the end. A line redrawn with
 * carriage returns (a progress bar: `10%\r50%\r100%`) is what a terminal finally shows of
 * it, its last part; prefixed with a task's name, the raw `\r` would overwrite the prefix.
 */
import { StringDecoder } from 'node:string_decoder';

const CR = 13;

/** The last part of a line redrawn with `\r` (trailing ones, as in `\r\n`, ignored). */
function lastDrawn(line: string): string {
  if (line.indexOf('\r') === -1) return line;
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === CR) end--;
  return line.slice(line.lastIndexOf('\r', end - 1) + 1, end);
}

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #rest = '';

  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    const text = this.#rest + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.emit(lastDrawn(text.slice(start, end)));
      start = end + 1;
    }
    // A progress bar that redraws for minutes without a newline keeps only its latest part
    // (a `\r` at the very end may be the first half of `\r\n`: kept).
    const redrawn = text.lastIndexOf('\r', text.length - 2);
    this.#rest = text.slice(redrawn >= start ? redrawn + 1 : start);
  }

  /** Emits what is left, if anything. */
  end(): void {
    const last = this.#rest + this.#decoder.end();
    this.#rest = '';
    if (last !== '') this.emit(lastDrawn(last));
  }
}
