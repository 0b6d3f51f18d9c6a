import type { CliIO } from './io.ts';

/**
 * The environment the SDK reads settings from, with `--profile` applied: the flag wins over
 * `$LIUM_PROFILE`, which wins over the config file's default profile. The SDK and
 * `@lium/config` read the profile from `LIUM_PROFILE`, so one rule serves both.
 */
export function envWithProfile(env: CliIO['env'], profile: string | undefined): CliIO['env'] {
  return profile === undefined || profile === '' ? env : { ...env, LIUM_PROFILE: profile };
}
