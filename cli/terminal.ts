/** The CLI's view of the terminal: colour depth, width, and the screen sinks print to. */
import type { StatusScreen } from '../lib/report/progress.js';
import type { CliIo, OutputStream } from './io.js';

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

/**
 * Lines go to `out`. On a terminal, a status line may sit below them: it is erased before
 * each line is written and drawn again after, and it is cut to the terminal's width so
 * that it never wraps (a wrapped line could not be erased whole). Lines for `err` (a
 * task's stderr) step around the status line the same way.
 */
export function screenOn(out: OutputStream, err: OutputStream = out, redraw = out.isTTY): StatusScreen {
  let status: string | undefined;
  const erase = '\r\u001b[2K';
  const shared = err === out || (err.isTTY && out.isTTY);
  return {
    print(text) {
      out.write(status ? `${erase}${text}\n${status}` : `${text}\n`);
    },
    printError(text) {
      if (!status || !shared) return err.write(`${text}\n`);
      out.write(erase);
      err.write(`${text}\n`);
      out.write(status);
    },
    status(text) {
      if (!redraw) return;
      if (text === status) return;
      out.write(`${erase}${text ?? ''}`);
      status = text;
    },
  };
}
