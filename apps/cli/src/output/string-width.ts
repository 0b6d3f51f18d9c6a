import { stripAnsi } from './color.ts';

/**
 * Display width of a string in terminal columns, for the help layout (yargs' cliui and
 * wrap-ansi are bundled with this in place of `string-width`, whose per-character emoji regex
 * made `lium --help` spend a quarter of its time measuring ASCII).
 *
 * Printable ASCII is one column each; East Asian wide and fullwidth characters and emoji two;
 * combining marks and zero-width characters none; everything else one.
 */
export default function stringWidth(text: string): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  const plain = stripAnsi(text);
  // Printable ASCII only: one column per character.
  if (/^[\u0020-\u007e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const char of plain) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

function charWidth(code: number): number {
  if (code < 32 || (code >= 0x7f && code < 0xa0)) return 0;
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || code === 0xfeff) {
    return 0;
  }
  if (code >= 0xfe00 && code <= 0xfe0f) return 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}
