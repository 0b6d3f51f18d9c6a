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
    return 0;
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
  if (i >= argv.length || argv[i] === '--') return [...argv];
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
  if (rest.length === 0) return [...argv.slice(0, i)];
  return [...argv.slice(0, i), '--', ...rest];
}

/**
 * The remote shell text of the typed words: one word is a shell command line as typed
 * (`"python train.py | tee log"`); several are that exact argv, each word quoted.
 */
export function remoteCommandText(words: readonly string[]): string {
  return words.length === 1 ? (words[0] as string) : words.map(shQuote).join(' ');
}
