// The CLI bundle measures help text with cli/string-width.ts instead of the string-width
// package (for start-up time): it must give the package's answers.

import realStringWidth from 'string-width';
import t from 'tap';
import stringWidth from '../cli/string-width.js';

const samples = [
  '',
  'plain ASCII text, with punctuation: [string] [default: "dag"]',
  '\u001b[1m\u001b[31mbold red\u001b[39m\u001b[22m',
  '\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007',
  'tab\there',
  'déjà vu',
  'e\u0301 (e and a combining accent)',
  '日本語のヘルプ',
  '한국어',
  'ｆｕｌｌｗｉｄｔｈ',
  'emoji 😀 and 🚀',
  '👩‍💻 a ZWJ sequence',
  '🇫🇷 a flag',
  '✓ ok ✗ failed ⧖ timeout ≡ up-to-date ○ no-change',
  '→ … — │ ▶',
  '❤️ with VS16',
  'zero\u200bwidth\ufeffspaces',
  '\u0000\u0007 controls',
];

t.test('the same widths as the string-width package', async (t) => {
  for (const sample of samples) t.equal(stringWidth(sample), realStringWidth(sample), JSON.stringify(sample));
});

t.test('options as the package reads them', async (t) => {
  const red = '\u001b[31mred\u001b[39m';
  t.equal(stringWidth(red, { countAnsiEscapeCodes: true }), realStringWidth(red, { countAnsiEscapeCodes: true }));
  t.equal(stringWidth('±§', { ambiguousIsNarrow: false }), realStringWidth('±§', { ambiguousIsNarrow: false }));
});
