import { commandName, findCommand, GLOBAL_OPTIONS } from './commands/index.ts';
import type { CommandContext } from './context.ts';
import { CliUsageError } from './errors.ts';
import { nearest } from './nearest.ts';

/** What yargs said about a command line, before it is put in our words. */
export class RawUsageError extends Error {
  override name = 'RawUsageError';
}

const isOption = (word: string) => word.startsWith('-') && word !== '-';

/** `lium exec <targets> [command..]` → "TARGETS and a COMMAND" (exec always needs one). */
function neededWords(name: string, usage: string): string {
  const required = [...usage.matchAll(/<([\w-]+)>/g)].map((m) => (m[1] as string).toUpperCase());
  if (name === 'exec') required.push('a COMMAND');
  return required.join(' and ');
}

/** yargs' raw finding about `argv`, as a one-line message naming what to do. */
export async function explainUsage(
  raw: string,
  argv: readonly string[],
  ctx: CommandContext,
): Promise<CliUsageError> {
  const message = raw.replace(/\s*\n\s*/g, ' ').trim();
  const words = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  const positionals = words.filter((word) => !isOption(word));
  const entry = positionals[0] === undefined ? undefined : findCommand(positionals[0]);
  const name = entry ? commandName(entry) : undefined;
  const help = name ? `See \`lium ${name} --help\`.` : 'Run `lium --help` for usage.';

  if (/^Not enough non-option arguments/.test(message) && entry && name) {
    return new CliUsageError(
      `lium ${name} needs ${neededWords(name, entry.command)}`,
      `Usage: lium ${entry.command}. ${help}`,
    );
  }
  const didYouMean = /^Did you mean (\S+?)\??$/.exec(message);
  if (didYouMean) {
    if (entry && name && positionals[1] !== undefined) {
      return new CliUsageError(
        `Unknown action "${positionals[1]}" for lium ${name}. Did you mean ${didYouMean[1]}?`,
        help,
      );
    }
    return new CliUsageError(`Unknown command "${positionals[0]}". ${message}`, help);
  }
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown && name) {
    const first = (unknown[1] as string).split(', ')[0] as string;
    const typed = words.find(
      (word) => isOption(word) && word.replace(/^-+/, '').split('=')[0] === first,
    );
    if (typed !== undefined) {
      const { commandOptions } = await import('./completion.ts');
      const known = [
        ...(await commandOptions(name, ctx)).map((option) => option.name),
        ...Object.keys(GLOBAL_OPTIONS),
      ];
      const guess = nearest(first, known);
      const option = typed.split('=')[0] as string;
      return new CliUsageError(
        `Unknown option ${option}.${guess ? ` Did you mean --${guess}?` : ''}`,
        help,
      );
    }
  }
  return new CliUsageError(
    // `-D` for a one-letter option, as it was typed.
    message.replace(
      /^Not enough arguments following: (\S+)$/,
      (_all, name: string) => `${name.length === 1 ? '-' : '--'}${name} needs a value`,
    ),
    help,
  );
}
