import type { CliIO } from './io.ts';

/**
 * The environment the SDK reads settings from, with `--profile` applied: the flag wins over
 * `$LIUM_PROFILE`, which wins over the config file's default profile. The SDK and
 * `@lium/config` read the profile from `LIUM_PROFILE`, so one rule serves both.
 */
export function envWithProfile(env: CliIO['env'], profile: string | undefined): CliIO['env'] {
  return profile === undefined || profile === '' ? env : { ...env, LIUM_PROFILE: profile };
}

/** Variables that win over any profile's account settings. */
const ACCOUNT_VARS = ['LIUM_API_API_KEY', 'LIUM_API_KEY', 'LIUM_API_BASE_URL', 'LIUM_BASE_URL'];

/**
 * A warning when a named profile is chosen but the environment still sets the account (e.g. an
 * exported `LIUM_API_KEY`): the variable wins, so the command would act on that account instead.
 */
export function profileShadowWarning(
  env: CliIO['env'],
  profile: string | undefined,
): string | undefined {
  const name = envWithProfile(env, profile).LIUM_PROFILE;
  if (name === undefined || name === '' || name === 'default') return undefined;
  const set = ACCOUNT_VARS.filter((variable) => (env[variable] ?? '') !== '');
  if (set.length === 0) return undefined;
  return `${set.map((variable) => `$${variable}`).join(' and ')} ${set.length === 1 ? 'is' : 'are'} set and ${set.length === 1 ? 'wins' : 'win'} over profile "${name}"; unset ${set.length === 1 ? 'it' : 'them'} to use the profile's account.`;
}
