// A task's output never acts on the terminal: colours kept when colour is on, the rest made visible.
import t from 'tap';
import { printable } from '../lib/util/controls.js';

t.test('control sequences in task output', async (t) => {
  const cases: [string, string, string][] = [
    ['plain text', 'plain text', 'plain text'],
    ['\u001b[31mred\u001b[0m', '\u001b[31mred\u001b[0m', 'red'],
    ['\u001b[2Jwiped', '␛[2Jwiped', '␛[2Jwiped'],
    ['\u001b[1A\u001b[2K✓ ok', '␛[1A␛[2K✓ ok', '␛[1A␛[2K✓ ok'],
    ['\u001b]0;owned\u0007title', '␛]0;owned␇title', '␛]0;owned␇title'],
    ['bell\u0007 and backspace\u0008', 'bell␇ and backspace␈', 'bell␇ and backspace␈'],
    ['tab\tstays', 'tab\tstays', 'tab\tstays'],
    ['\u009b2J one-byte CSI', '␛[2J one-byte CSI', '␛[2J one-byte CSI'],
  ];
  for (const [line, coloured, plain] of cases) {
    t.equal(printable(line, true), coloured, `colour on: ${JSON.stringify(line)}`);
    t.equal(printable(line, false), plain, `colour off: ${JSON.stringify(line)}`);
  }
});
