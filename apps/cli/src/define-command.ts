import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from './context.ts';

/**
 * One command: its options (`builder`) and what it does (`handler`). The command's name,
 * positionals and description live in `commands/index.ts`, so `lium --help` lists every
 * command without loading any of them.
 */
export interface CommandModule<Args> {
  builder(yargs: Argv<GlobalArgs>, ctx: CommandContext): Argv<Args>;
  handler(args: Args & GlobalArgs & { _: (string | number)[] }, ctx: CommandContext): Promise<void>;
}

export function defineCommand<Args>(module: CommandModule<Args>): CommandModule<Args> {
  return module;
}
