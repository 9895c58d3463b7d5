/**
 * A task's output, made safe to print under its name: a task must not clear the screen,
 * move the cursor, set the window title or draw another task's "✓ ok". Colours (SGR,
 * `ESC [ … m`) are kept when colour is on, and dropped when it is off; every other escape
 * sequence and control character is made visible instead (`ESC` as `␛`, others as their
 * control pictures), so that nothing a task prints acts on the terminal.
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/;
// CSI (ESC [ … final, or the one-byte CSI), OSC (ESC ] … BEL or ESC \), other ESC sequences, lone controls.
const SEQUENCE =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -/]*[0-~]?|[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g;
const SGR = /^(?:\u001b\[|\u009b)[0-9;:]*m$/;

/** The visible form of control characters: their Unicode control pictures (U+2400…), DEL as ␡. */
function visible(sequence: string): string {
  let out = '';
  for (const char of sequence) {
    const code = char.charCodeAt(0);
    out += code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '␡' : code === 0x9b ? '␛[' : char;
  }
  return out;
}

/** `line` with colours kept (`colour`) or dropped, and every other control sequence made visible. */
export function printable(line: string, colour: boolean): string {
  if (!CONTROL.test(line)) return line;
  return line.replace(SEQUENCE, (sequence) => (SGR.test(sequence) ? (colour ? sequence : '') : visible(sequence)));
}
