import type { LiumConfig } from '@lium/sdk';
import type { CliIO } from './io.ts';
import { envWithProfile } from './profile.ts';

/** The config file as the `config` and `init` commands edit it. */
export type ConfigStore = LiumConfig;

export interface OpenConfigOptions {
  /** `--profile`; default `$LIUM_PROFILE`, else the default profile. */
  profile?: string | undefined;
  /** Allow a profile that is not in the file yet (`init` creates it); else `profile_not_found`. */
  create?: boolean | undefined;
}

/**
 * Opens `~/.lium/config.ini` (or `$LIUM_CONFIG_DIR/config.ini`) through `@lium/sdk`, loaded
 * lazily so commands that never touch the file do not pay for it, as a view of one profile.
 */
export async function openConfig(
  io: Pick<CliIO, 'env'>,
  options: OpenConfigOptions = {},
): Promise<ConfigStore> {
  const { assertProfileExists, loadConfig } = await import('@lium/sdk');
  const config = await loadConfig({ env: envWithProfile(io.env, options.profile) });
  if (!options.create) assertProfileExists(config);
  return config;
}
