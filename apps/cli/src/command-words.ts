/**
 * Fixed words the registry (`commands/index.ts`) and the command modules share; a leaf module,
 * so a command can import them without importing the registry that loads it.
 */

/** `lium config <action>`: config.ts declares one yargs subcommand for each. */
export const CONFIG_ACTIONS = ['set', 'get', 'unset', 'show', 'path', 'edit', 'profiles'] as const;
/** Shells `lium completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
