/**
 * Splits a byte stream into lines: UTF-8 decoded across chunk boundaries, `\n` or `\r\n`
 * endings, and a last line without an ending flushed at the end.
 */
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #rest = '';

  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    const text = this.#rest + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.emit(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
      start = end + 1;
    }
    this.#rest = text.slice(start);
  }

  /** Emits what is left, if anything. */
  end(): void {
    const last = this.#rest + this.#decoder.end();
    this.#rest = '';
    if (last !== '') this.emit(last.endsWith('\r') ? last.slice(0, -1) : last);
  }
}
