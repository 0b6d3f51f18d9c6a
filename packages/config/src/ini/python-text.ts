/**
 * Python's idea of whitespace (`str.isspace()`, and `\s` in its `re` module), which
 * configparser uses to strip lines, keys and values. It differs from JavaScript's `\s`:
 * Python counts U+001C–U+001F and U+0085, and does not count U+FEFF.
 */
export const PY_WHITESPACE =
  '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const LEADING = new RegExp(`^[${PY_WHITESPACE}]+`);
const TRAILING = new RegExp(`[${PY_WHITESPACE}]+$`);
const ANY = new RegExp(`[${PY_WHITESPACE}]`);

/** `s.lstrip()` in Python. */
export function pyLstrip(text: string): string {
  return text.replace(LEADING, '');
}

/** `s.rstrip()` in Python. */
export function pyRstrip(text: string): string {
  return text.replace(TRAILING, '');
}

/** `s.strip()` in Python. */
export function pyStrip(text: string): string {
  return pyRstrip(pyLstrip(text));
}

/** True when `text` starts or ends with whitespace that configparser would strip. */
export function hasOuterWhitespace(text: string): boolean {
  return text !== pyStrip(text);
}

/** True when `text` contains any whitespace in Python's sense. */
export function hasWhitespace(text: string): boolean {
  return ANY.test(text);
}

/** Control characters (C0, DEL, C1): none of them belongs in a key, a section name or a value. */
export function hasControlCharacter(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}
