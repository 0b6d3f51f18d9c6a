/**
 * The official CLI's `--format json` (and `--format table`), read as our `--json` / `--no-json`
 * before yargs sees the line, so every command and the early `--json` scan agree, and the last
 * of `--json`, `--no-json` and `--format` wins. Only lium's own words are read: nothing behind
 * `--` (a remote command's `--format json` stays verbatim). Other values are left for the
 * option's own check, which names the choices.
 */
export function readFormatOption(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  const own = end === -1 ? argv : argv.slice(0, end);
  const rest = end === -1 ? [] : argv.slice(end);
  const out: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const word = own[i] as string;
    const inline = word.startsWith('--format=') ? word.slice('--format='.length) : undefined;
    const value = inline ?? (word === '--format' ? own[i + 1] : undefined);
    const flag = value === 'json' ? '--json' : value === 'table' ? '--no-json' : undefined;
    if (flag === undefined) {
      out.push(word);
      continue;
    }
    out.push(flag);
    if (inline === undefined) i += 1;
  }
  return [...out, ...rest];
}
