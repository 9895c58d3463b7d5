/**
 * `string-width` for the bundled CLI (scripts/build.mjs puts it in place of the package
 * for yargs and its layout code), without the package's start-up cost: it builds an
 * `Intl.Segmenter` when imported (about 10 ms of every command's start-up, measured) and
 * segments every string it measures (another 10–20 ms for `--help`). Help text is nearly
 * all printable ASCII, whose width is its length. Anything else is measured grapheme by
 * grapheme, with a segmenter made on first use and the package's rules: controls, marks and
 * default-ignorable code points take no column; emoji and East Asian wide characters, two.
 * test/string-width.test.ts holds it to the package's answers.
 */
import { eastAsianWidth } from 'get-east-asian-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks), as terminals read them.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const ZERO_WIDTH = /^[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Mark}\p{Surrogate}]+$/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

let segmenter: Intl.Segmenter | undefined;

export interface StringWidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

export default function stringWidth(text: string, options: StringWidthOptions = {}): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  if (PRINTABLE_ASCII.test(text)) return text.length;
  const visible = options.countAnsiEscapeCodes ? text : text.replace(ANSI, '');
  if (PRINTABLE_ASCII.test(visible)) return visible.length;
  segmenter ??= new Intl.Segmenter();
  const ambiguousAsWide = options.ambiguousIsNarrow === false;
  let width = 0;
  for (const { segment } of segmenter.segment(visible)) {
    if (ZERO_WIDTH.test(segment)) continue;
    if (EMOJI.test(segment) && (segment.length > 1 || eastAsianWidth(segment.codePointAt(0)!) === 2 || /\ufe0f/.test(segment))) {
      width += 2;
      continue;
    }
    // A cluster takes the width of its first visible code point (the rest are marks on it).
    const base = [...segment].find((character) => !ZERO_WIDTH.test(character)) ?? segment;
    width += eastAsianWidth(base.codePointAt(0)!, { ambiguousAsWide });
  }
  return width;
}
