import { shQuote } from '@lium/ssh/target';

/**
 * The remote shell text that runs a local script's `text` with `args`. With no `#!` line and no
 * arguments it is the text itself (run by the login shell, as before). Otherwise the script is
 * written to a temp file on the pod and executed, so the kernel honours its `#!` line
 * (`#!/usr/bin/env python3` runs under python) and the arguments arrive as `$1…`; the file is
 * removed afterwards and the script's exit code kept. The text travels base64-encoded, so no
 * character in it can end a quote.
 */
export function scriptCommand(text: string, args: readonly string[]): string {
  const shebang = text.startsWith('#!');
  if (!shebang && args.length === 0) return text;
  const data = Buffer.from(text, 'utf8').toString('base64');
  // Without a #! line, the login shell's bash if it is one (as before), else sh.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
  const runner = shebang ? '"$__lium_script"' : '"${BASH:-sh}" "$__lium_script"';
  const argv = args.map(shQuote).join(' ');
  return [
    '__lium_script=$(mktemp) || exit 127',
    `printf %s ${data} | base64 -d > "$__lium_script" && chmod 700 "$__lium_script" || { rm -f "$__lium_script"; exit 127; }`,
    `${runner}${argv ? ` ${argv}` : ''}`,
    '__lium_rc=$?; rm -f "$__lium_script"; exit $__lium_rc',
  ].join('\n');
}
