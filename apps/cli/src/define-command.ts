import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from './context.ts';

/** What a handler receives: the builder's options, by their own name and in camelCase. */
export type HandlerArgs<Args> = ArgumentsCamelCase<Args> & { '--'?: string[] | undefined };

/**
 * One command: its options (`builder`) and what it does (`handler`). The handler's argument
 * type is inferred from the builder, so the two cannot drift. The command's name, positionals
 * and description live in `commands/index.ts`, so `lium --help` lists every command without
 * loading any of them.
 */
export interface CommandModule<Args> {
  builder(yargs: Argv<GlobalArgs>, ctx: CommandContext): Argv<Args>;
  handler(args: HandlerArgs<Args>, ctx: CommandContext): Promise<void>;
}

export function defineCommand<Args>(module: CommandModule<Args>): CommandModule<Args> {
  return module;
}

/** The handler arguments of a builder function, for helpers that take the parsed args. */
export type ArgsOf<Builder> = Builder extends (...params: never[]) => Argv<infer Args>
  ? HandlerArgs<Args>
  : never;
