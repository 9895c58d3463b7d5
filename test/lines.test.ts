import t from 'tap';
import { LineSplitter, MAX_LINE } from '../lib/executors/lines.js';

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

t.test('a line redrawn with carriage returns is its last part, as a terminal shows it', async (t) => {
  t.same(split(['10%\r50%\r100%\n']), ['100%']);
  t.same(split(['10%\r', '50%\r', '100%\r\n', 'next\n']), ['100%', 'next'], 'across chunks, with a CRLF ending');
  t.same(split(['done\r\r\n']), ['done'], 'trailing carriage returns redraw nothing');
  t.same(split(['\r\n']), [''], 'an empty line stays one');
  t.same(split(['a\rb']), ['b'], 'a last line without newline');
});

// Without the trimming, the pending text grows to 10 MB and every write searches all of it
// for a newline: the test then runs into tap's time limit.
t.test('a progress bar that never ends its line keeps only its latest part pending', async (t) => {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  const bar = `${'#'.repeat(1000)}\r`;
  for (let i = 0; i < 10_000; i++) splitter.write(bar);
  splitter.write('done\n');
  t.same(lines, ['done']);
  splitter.write(`x\r${'y'.repeat(10)}`);
  splitter.end();
  t.same(lines, ['done', 'yyyyyyyyyy']);
});

t.test('a 40 MB line without an ending: handed on in pieces of at most MAX_LINE, nothing lost', async (t) => {
  const pieces: string[] = [];
  const splitter = new LineSplitter((line) => pieces.push(line));
  const chunk = Buffer.alloc(65536, 'x');
  for (let i = 0; i < 640; i++) splitter.write(chunk);
  splitter.write('\n');
  splitter.end();
  t.ok(
    pieces.every((piece) => piece.length <= MAX_LINE),
    'bounded',
  );
  t.equal(
    pieces.reduce((sum, piece) => sum + piece.length, 0),
    640 * 65536,
    'every character is there',
  );
});
