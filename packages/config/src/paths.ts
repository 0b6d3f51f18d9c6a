import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The environment shape the package reads: `process.env` or a plain record in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The config file's name inside the config directory. */
export const CONFIG_FILE_NAME = 'config.ini';

/**
 * The home directory: `$HOME` (or `%USERPROFILE%`) from `env` when set, else the OS account's.
 * Reading it from `env` lets tests and embedders point everything at a temporary home.
 */
export function homeDirOf(env: Env = process.env): string {
  return nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir();
}

/** `$LIUM_CONFIG_DIR` when set and not empty, else `~/.lium`. */
export function defaultConfigDir(env: Env = process.env): string {
  const override = nonEmpty(env.LIUM_CONFIG_DIR);
  const home = homeDirOf(env);
  return override === undefined ? join(home, '.lium') : resolve(expandHome(override, home));
}

/** Expands a leading `~` or `~/` to `home`, as Python's `Path.expanduser()` does for the current user. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2));
  return path;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
