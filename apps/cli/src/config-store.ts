import { CliError } from './errors.ts';
import type { CliIO } from './io.ts';

/** The slice of `@lium/config`'s `LiumConfig` the `config` and `init` commands use. */
export interface ConfigStore {
  readonly path: string;
  get(key: string): string | undefined;
  getSource(key: string): 'env' | 'file' | undefined;
  getEnvVar(key: string): string | undefined;
  set(key: string, value: string): void;
  unset(key: string): boolean;
  list(): { key: string; value: string; source: 'env' | 'file'; envVar?: string }[];
  save(): Promise<void>;
}

type LoadConfig = (options: { env?: CliIO['env'] }) => Promise<ConfigStore>;

/**
 * Opens `~/.lium/config.ini` through `@lium/sdk`, which re-exports `@lium/config`'s
 * `loadConfig` (the CLI talks to the SDK only).
 */
export async function openConfig(io: Pick<CliIO, 'env'>): Promise<ConfigStore> {
  const sdk = (await import('@lium/sdk')) as unknown as { loadConfig?: LoadConfig };
  if (typeof sdk.loadConfig !== 'function') {
    throw new CliError('This build of @lium/sdk cannot edit the config file', {
      code: 'unsupported',
      hint: 'Edit ~/.lium/config.ini by hand, or use LIUM_API_KEY / LIUM_BASE_URL.',
    });
  }
  return sdk.loadConfig({ env: io.env });
}
