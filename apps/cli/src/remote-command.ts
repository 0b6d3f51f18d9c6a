import { shQuote } from '@lium/ssh/target';
/**
 * `lium exec 1 grep -e root /etc/passwd`: everything after the targets is the remote command,
 * verbatim. lium's own options count only before the targets or between the targets and the
 * first word of the command; the rest is moved behind a `--` before yargs sees it, so no remote
 * `-e`, `-h` or `--json` is ever taken for one of lium's.
 */

/** What the splitter needs to know of an option: whether it takes a value, and its alias. */
export interface OptionShape {
  type: string;
  alias?: string | undefined;
}

/** `--name`/`-a` spellings of options, split into those that take a value and flags. */
export class OptionWords {
  readonly #values = new Set<string>();
  readonly #flags = new Set<string>(['--help', '-h', '--version']);

  constructor(...specs: Record<string, OptionShape>[]) {
    for (const spec of specs) {
      for (const [name, shape] of Object.entries(spec)) {
        const words = [`--${name}`, ...(shape.alias ? [`-${shape.alias}`] : [])];
        const into = shape.type === 'boolean' ? this.#flags : this.#values;
        for (const word of words) into.add(word);
        if (shape.type === 'boolean') this.#flags.add(`--no-${name}`);
      }
    }
  }

  /** How many words an option starting at `word` spans (1 or 2), or 0 if it is not ours. */
  span(word: string): number {
    const [name] = word.split('=', 1) as [string];
    if (this.#flags.has(name)) return 1;
    if (this.#values.has(name)) return word.includes('=') ? 1 : 2;
    return this.attached(word) ? 1 : 0;
  }

  /**
   * `-L8080:localhost:80` (a one-letter option with its value attached, as OpenSSH and getopt
   * allow) as `-L`, `8080:localhost:80`, which yargs reads; undefined for any other word.
   */
  attached(word: string): [string, string] | undefined {
    if (word.startsWith('--') || word.length < 3) return undefined;
    const name = word.slice(0, 2);
    return this.#values.has(name) ? [name, word.slice(2)] : undefined;
  }
}

const isOption = (word: string) => word.startsWith('-') && word !== '-' && word !== '--';

/**
 * `argv` with the remote command of `command` (e.g. `exec`) moved behind one `--`; unchanged
 * when `command` is not the one typed or no remote command follows the targets.
 */
export function splitRemoteCommand(
  argv: readonly string[],
  command: string,
  globals: OptionWords,
  own: OptionWords,
): string[] {
  let i = 0;
  while (i < argv.length && isOption(argv[i] as string)) i += Math.max(1, globals.span(argv[i]!));
  if (argv[i] !== command) return [...argv];
  i += 1;
  // Before the targets, every option is lium's (an unknown one is a usage error later).
  while (i < argv.length && isOption(argv[i] as string)) {
    i += Math.max(1, own.span(argv[i]!) || globals.span(argv[i]!));
  }
  if (i >= argv.length || argv[i] === '--') return detach(argv, argv.length, own);
  i += 1; // the targets
  // Between the targets and the command, only lium's own options.
  for (;;) {
    const word = argv[i];
    if (word === undefined || !isOption(word)) break;
    const span = own.span(word) || globals.span(word);
    if (span === 0) break;
    i += span;
  }
  const start = argv[i] === '--' ? i + 1 : i;
  const rest = argv.slice(start);
  if (rest.length === 0) return detach(argv, i, own);
  return [...detach(argv, i, own), '--', ...rest];
}

/** `argv` up to `end` (or its first `--`) with `own`'s attached short values split off. */
function detach(argv: readonly string[], upTo: number, own: OptionWords): string[] {
  // (An option's value may be missing at the very end: `lium ssh 1 -L`.)
  const end = Math.min(upTo, argv.length);
  const dashes = argv.indexOf('--');
  const stop = dashes !== -1 && dashes < end ? dashes : end;
  const out: string[] = [];
  for (let i = 0; i < stop; i++) {
    const word = argv[i] as string;
    // A value (`-e -Lx`'s `-Lx`) is left as typed: only option words are split.
    const previous = argv[i - 1];
    const isValue = previous !== undefined && own.span(previous) === 2;
    const split = isValue ? undefined : own.attached(word);
    if (split) out.push(...split);
    else out.push(word);
  }
  return [...out, ...argv.slice(stop, end)];
}

/**
 * The remote shell text of the typed words: one word is a shell command line as typed
 * (`"python train.py | tee log"`); several are that exact argv, each word quoted.
 */
export function remoteCommandText(words: readonly string[]): string {
  return words.length === 1 ? (words[0] as string) : words.map(shQuote).join(' ');
}
