/** The CLI's view of the terminal: colour depth, width, and the screen sinks print to. */
import type { StatusScreen } from '../lib/sinks/progress.js';
import type { CliIo, OutputStream, Question } from './io.js';

export type ColorLevel = 0 | 1 | 2 | 3;

/** NO_COLOR and FORCE_COLOR win, then --color/--no-color, then: colour only on a terminal that has it. */
export function colorLevel(stream: OutputStream, flag: boolean | undefined, env: CliIo['env']): ColorLevel {
  if (env.NO_COLOR) return 0;
  const forced = env.FORCE_COLOR;
  if (forced !== undefined && forced !== '') {
    if (forced === '0' || forced === 'false') return 0;
    const level = Number(forced);
    return (level >= 1 && level <= 3 ? level : 1) as ColorLevel;
  }
  if (flag === false) return 0;
  const depth = terminalDepth(env);
  if (flag === true) return depth || 1;
  return stream.isTTY ? depth : 0;
}

/** How many colours the terminal shows, from what it says of itself (as chalk's supports-color reads it). */
function terminalDepth(env: CliIo['env']): ColorLevel {
  if (env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (/-256(color)?$/i.test(env.TERM ?? '')) return 2;
  return 1;
}

/** A terminal that can draw a status line: a TTY that understands cursor movement. */
export function canRedraw(stream: OutputStream, env: CliIo['env']): boolean {
  return stream.isTTY && env.TERM !== 'dumb';
}

export function columnsOf(stream: OutputStream): number {
  return stream.columns || 100;
}

/** A screen that can also ask a question, one at a time, while lines keep printing above it. */
export interface AskingScreen extends StatusScreen {
  /** The person's answer; '' when the question is withdrawn (`signal`) or there is no terminal. */
  ask(question: string, signal?: AbortSignal): Promise<string>;
  readonly canAsk: boolean;
}

/**
 * Lines go to `out`. On a terminal, a status line may sit below them: it is erased before
 * each line is written and drawn again after, and it is cut to the terminal's width so
 * that it never wraps (a wrapped line could not be erased whole). Lines for `err` (a
 * task's stderr) step around the status line the same way. A question (`ask`) takes the
 * status line's place while it is open: lines print above it, and it is drawn again below
 * them with what the person has typed so far.
 */
export function screenOn(out: OutputStream, err: OutputStream = out, redraw = out.isTTY, asker?: CliIo['ask']): AskingScreen {
  let status: string | undefined;
  let hidden: string | undefined;
  let question: Question | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const erase = '\r\u001b[2K';
  const shared = err === out || (err.isTTY && out.isTTY);
  const above = (stream: OutputStream, text: string) => {
    if (question) {
      if (shared) out.write(erase);
      stream.write(`${text}\n`);
      if (shared) question.redraw();
      return;
    }
    if (!status) return stream.write(`${text}\n`);
    if (stream === out) return out.write(`${erase}${text}\n${status}`);
    if (!shared) return err.write(`${text}\n`);
    out.write(erase);
    err.write(`${text}\n`);
    out.write(status);
  };
  const screen: AskingScreen = {
    print: (text) => above(out, text),
    printError: (text) => above(err, text),
    status(text) {
      if (!redraw) return;
      if (question) {
        hidden = text;
        return;
      }
      if (text === status) return;
      out.write(`${erase}${text ?? ''}`);
      status = text;
    },
    canAsk: asker !== undefined,
    ask(text, signal) {
      if (!asker) return Promise.resolve('');
      // One question at a time; the status line steps aside while one is open.
      const turn = queue.then(async () => {
        if (signal?.aborted) return '';
        hidden = status;
        screen.status(undefined);
        question = asker(text);
        const open = question;
        const withdraw = () => open.close();
        signal?.addEventListener('abort', withdraw, { once: true });
        try {
          return await open.answer;
        } finally {
          signal?.removeEventListener('abort', withdraw);
          question = undefined;
          screen.status(hidden);
        }
      });
      queue = turn.catch(() => {});
      return turn;
    },
  };
  return screen;
}
