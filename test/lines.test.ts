import t from 'tap';
import { LineSplitter } from '../lib/lines.js';

const split = (chunks: (string | Buffer)[]) => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
};

t.test('lines across chunks, CRLF, a last line without newline, empty lines', async (t) => {
  t.same(split(['one\ntw', 'o\r\nthree']), ['one', 'two', 'three']);
  t.same(split(['a\n\nb\n']), ['a', '', 'b']);
  t.same(split(['']), []);
  t.same(split(['x\r']), ['x']);
});

t.test('a multi-byte character split between chunks', async (t) => {
  const bytes = Buffer.from('déployé ✓\n');
  t.same(split([bytes.subarray(0, 2), bytes.subarray(2, 11), bytes.subarray(11)]), ['déployé ✓']);
});
