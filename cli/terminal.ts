/** The CLI's view of the terminal: colour depth, and the screen sinks print to. */
import { supportsColor } from 'chalk';
import type { StatusScreen } from '../lib/report/progress.js';

export type ColorLevel = 0 | 1 | 2 | 3;

/** NO_COLOR and FORCE_COLOR win, then --color/--no-color, then: colour only on a TTY. */
export function colorLevel(stream: NodeJS.WriteStream, flag: boolean | undefined, env = process.env): ColorLevel {
  if (env.NO_COLOR) return 0;
  const forced = env.FORCE_COLOR;
  if (forced !== undefined && forced !== '') {
    if (forced === '0' || forced === 'false') return 0;
    const level = Number(forced);
    return (level >= 1 && level <= 3 ? level : 1) as ColorLevel;
  }
  if (flag === false) return 0;
  if (flag === true) return supportsColor ? (supportsColor.level as ColorLevel) || 1 : 1;
  if (!stream.isTTY) return 0;
  return supportsColor ? (supportsColor.level as ColorLevel) : 0;
}

export function columns(): number {
  return process.stdout.columns || 100;
}

/**
 * Lines go to stdout. On a TTY, a status line may sit below them: it is erased before each
 * line is written and drawn again after, and it is cut to the terminal's width so that it
 * never wraps (a wrapped line could not be erased whole).
 */
export function stdoutScreen(): StatusScreen {
  return screenOn(process.stdout);
}

export function screenOn(out: NodeJS.WriteStream): StatusScreen {
  let status: string | undefined;
  const erase = '\r\u001b[2K';
  return {
    print(text) {
      out.write(status ? `${erase}${text}\n${status}` : `${text}\n`);
    },
    status(text) {
      if (!out.isTTY) return;
      if (text === status) return;
      out.write(`${erase}${text ?? ''}`);
      status = text;
    },
  };
}

/** `stagerun --graph | head` closes our stdout early: that is not an error. */
export function tolerateClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export function warn(text: string): void {
  process.stderr.write(`stagerun: warning: ${text}\n`);
}
