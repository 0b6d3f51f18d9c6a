/** Quotes one word for a POSIX shell: `'…'` with embedded quotes as `'\''`. */
export function shQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const SAFE_BYTE = /[A-Za-z0-9 _./,:=+@-]/;

/**
 * A printf format that prints exactly `value`: every byte outside a small safe set becomes a
 * `\ooo` octal escape, so the result holds no quote, `$`, backtick, `%`, backslash or newline
 * and stays on one line whatever the value contains.
 */
export function printfFormat(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && SAFE_BYTE.test(char) ? char : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}
