import { eastAsianWidth } from 'get-east-asian-width';
import { stripAnsi } from './color.ts';

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;

/**
 * Display width of a string in terminal columns, for tables and the help layout (yargs' cliui
 * and wrap-ansi are bundled with this in place of `string-width`, whose per-character emoji
 * regex made `lium --help` spend a quarter of its time measuring ASCII).
 *
 * Printable ASCII is one column each (the fast path); otherwise Unicode's East Asian Width
 * (`get-east-asian-width`: wide and fullwidth characters, and emoji such as ⌚ and ⚡, are two
 * columns) with combining marks, variation selectors and zero-width characters at none.
 */
export default function stringWidth(text: string): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  // Printable ASCII only: one column per character. No escape sequence starts in that range,
  // so such text has no colour to strip (a table of 1 000 rows measures 15 000 cells).
  if (PRINTABLE_ASCII.test(text)) return text.length;
  const plain = stripAnsi(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let width = 0;
  for (const char of plain) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;

function charWidth(code: number): number {
  if (code >= 0xfe00 && code <= 0xfe0f) return 0;
  if (ZERO_WIDTH.test(String.fromCodePoint(code))) return 0;
  return eastAsianWidth(code);
}
