// The terminal prompt: readline reads keys raw, so Ctrl-C at a question reaches readline, not
// the process. It must interrupt the run as Ctrl-C anywhere else does, not answer "no".
import { PassThrough } from 'node:stream';
import t from 'tap';
import { askOn } from '../../cli/io.js';

t.test('Ctrl-C at a question is an interrupt, not an answer; the question stays until withdrawn', async (t) => {
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  let interrupts = 0;
  const question = askOn(input, output, () => interrupts++, true)('? Deploy to production? (y/N) ');
  let answered: string | undefined;
  void question.answer.then((text) => {
    answered = text;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  input.write('\u0003');
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(interrupts, 1, 'Ctrl-C is handed on as an interrupt');
  t.equal(answered, undefined, 'and is not taken as an answer');
  question.close();
  t.equal(await question.answer, '', 'withdrawn (as the interrupted run does), it answers nothing');
});

t.test('an answer typed at the question is the answer', async (t) => {
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  const question = askOn(input, output, () => t.fail('no interrupt'), true)('? Go? (y/N) ');
  await new Promise((resolve) => setTimeout(resolve, 50));
  input.write('yes\r');
  t.equal(await question.answer, 'yes');
});
