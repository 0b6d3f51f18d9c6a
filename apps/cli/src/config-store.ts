import type { LiumConfig } from '@lium/sdk';
import type { CliIO } from './io.ts';

/** The config file as the `config` and `init` commands edit it. */
export type ConfigStore = LiumConfig;

/**
 * Opens `~/.lium/config.ini` (or `$LIUM_CONFIG_DIR/config.ini`) through `@lium/sdk`, loaded
 * lazily so commands that never touch the file do not pay for it.
 */
export async function openConfig(io: Pick<CliIO, 'env'>): Promise<ConfigStore> {
  const { loadConfig } = await import('@lium/sdk');
  return loadConfig({ env: io.env });
}
