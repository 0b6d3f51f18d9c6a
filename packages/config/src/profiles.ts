import { join } from 'node:path';
import { LiumConfigError } from './errors.ts';
import type { Env } from './paths.ts';

/**
 * Profiles: several accounts in one `config.ini`.
 *
 * The file's ordinary sections (`[api]`, `[ssh]`, `[template]`, …) are the `default` profile, the
 * one the official Python CLI reads. A named profile is one `[profile NAME]` section whose option
 * names are the dotted keys (`api.api_key = …`, `api.base_url = …`, `ssh.key_path = …`), so
 * Python's configparser reads it like any other section. A named profile never falls back to the
 * default profile's values: an unset key there has its built-in default, never another account's.
 */
export const DEFAULT_PROFILE = 'default';

/** The environment variable naming the active profile (the `--profile` flag wins over it). */
export const PROFILE_ENV_VAR = 'LIUM_PROFILE';

const PROFILE_SECTION_PREFIX = 'profile ';

/** Letters, digits, `.`, `_` and `-`, starting with a letter or digit; at most 64 characters. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Where the active profile's name came from. */
export type ProfileSource = 'option' | 'env' | 'default';

/** The profile a command uses and why. */
export interface SelectedProfile {
  /** `default` or the name of a `[profile NAME]` section. */
  name: string;
  /** Chosen by an option (`--profile`), by `$LIUM_PROFILE`, or the default. */
  source: ProfileSource;
}

/** The section holding a named profile: `work` → `profile work`. */
export function profileSection(name: string): string {
  return `${PROFILE_SECTION_PREFIX}${name}`;
}

/** The profile a section holds (`profile work` → `work`), or undefined for an ordinary section. */
export function profileOfSection(section: string): string | undefined {
  if (!section.startsWith(PROFILE_SECTION_PREFIX)) return undefined;
  const name = section.slice(PROFILE_SECTION_PREFIX.length);
  return PROFILE_NAME.test(name) && name !== DEFAULT_PROFILE ? name : undefined;
}

/** Throws `profile_name_invalid` unless `name` can name a profile. */
export function assertProfileName(name: string): void {
  if (PROFILE_NAME.test(name)) return;
  throw new LiumConfigError(
    `Invalid profile name ${JSON.stringify(name.slice(0, 70))}: use letters, digits, ".", "_" and "-" (at most 64).`,
    {
      code: 'profile_name_invalid',
      hint: 'Pick a name such as work or team-a.',
    },
  );
}

/**
 * The active profile: `profile` (a flag or code), else a non-empty `$LIUM_PROFILE`, else
 * `default`. The name is checked, not whether the profile exists.
 */
export function selectProfile(profile: string | undefined, env: Env): SelectedProfile {
  let selected: SelectedProfile = { name: DEFAULT_PROFILE, source: 'default' };
  if (profile !== undefined && profile !== '') selected = { name: profile, source: 'option' };
  else {
    const fromEnv = env[PROFILE_ENV_VAR];
    if (fromEnv !== undefined && fromEnv !== '') selected = { name: fromEnv, source: 'env' };
  }
  assertProfileName(selected.name);
  return selected;
}

/**
 * The directory a profile keeps its local state in (index snapshots, the SSH key cache, pinned
 * host keys, the managed ssh_config): the config directory itself for `default`, so existing
 * files keep working, and `<configDir>/profiles/<name>` for a named profile.
 */
export function profileStateDir(configDir: string, profile: string): string {
  assertProfileName(profile);
  return profile === DEFAULT_PROFILE ? configDir : join(configDir, 'profiles', profile);
}

/**
 * `profile_not_found`, naming the profiles that exist. The CLI passes `--profile` on to the SDK
 * as `$LIUM_PROFILE`, so the message cannot say which of the two chose it: the hint names both.
 */
export function profileNotFound(
  name: string,
  existing: readonly string[],
  file: string,
): LiumConfigError {
  return new LiumConfigError(
    `Profile "${name}" is not in ${file}; profiles: ${existing.join(', ')}.`,
    {
      code: 'profile_not_found',
      file,
      hint: `Create a [profile ${name}] section, or choose another profile (or $${PROFILE_ENV_VAR}).`,
    },
  );
}
