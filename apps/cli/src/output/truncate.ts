import stringWidth from './string-width.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI sequences are what we skip
const ANSI_AT_START = /^\u001b\[[0-9;]*m/;

/**
 * Cuts `text` to at most `width` terminal columns, ending in `…` when anything was cut. Colour
 * codes are kept (they take no columns) and closed with a reset, so a cut cell never bleeds its
 * colour into the next one.
 */
export function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  let coloured = false;
  let rest = text;
  while (rest.length > 0) {
    const code = ANSI_AT_START.exec(rest);
    if (code) {
      out += code[0];
      coloured = true;
      rest = rest.slice(code[0].length);
      continue;
    }
    const char = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    const charWidth = stringWidth(char);
    if (used + charWidth > width - 1) break;
    out += char;
    used += charWidth;
    rest = rest.slice(char.length);
  }
  return `${out}…${coloured ? '\u001b[0m' : ''}`;
}
