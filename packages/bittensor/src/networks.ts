import { LiumChainError } from './errors.ts';

/** The named subtensor networks and their public endpoints (as btcli knows them). */
export const NETWORKS = {
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
} as const;

/** A network name from {@link NETWORKS}. */
export type NetworkName = keyof typeof NETWORKS;

/** The network `lium fund` uses when none is given. */
export const DEFAULT_NETWORK: NetworkName = 'finney';

/**
 * `finney`, `test` or a `ws://` / `wss://` URL → the endpoint URL. Anything else throws
 * `LiumChainError` (`network_invalid`).
 */
export function resolveNetwork(spec: string | undefined): string {
  const value = (spec ?? DEFAULT_NETWORK).trim();
  if (Object.hasOwn(NETWORKS, value)) return NETWORKS[value as NetworkName];
  if (URL.canParse(value)) {
    const url = new URL(value);
    if ((url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '') return value;
  }
  throw new LiumChainError(`"${value.slice(0, 80)}" is not a subtensor network`, {
    code: 'network_invalid',
    hint: 'Use finney, test, or a ws:// or wss:// endpoint URL.',
  });
}
