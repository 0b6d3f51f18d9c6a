/**
 * The root of the `Lium` façade: builds the shared `LiumCore` and hands it to the façade
 * classes above it (`LiumAccount`, `LiumTransfers`, `Lium`) through `coreOf`, so the
 * published `.d.ts` shows no core field on `Lium`. Settings, clients and closing live here.
 */
import type { LiumAPIClient } from '@lium/api';
import type { LiumSettings, SshKeyPair } from '@lium/config';
// Types only: ssh2 loads on the first SSH call, so API-only work (`lium ls`) never pays for it.
import type { SshPool } from '@lium/ssh';
import { LiumCore } from './core.ts';
import type { LiumOptions } from './options.ts';

const cores = new WeakMap<LiumBase, LiumCore>();

/** The core a façade object was built with (the modules' one dependency). */
export function coreOf(lium: LiumBase): LiumCore {
  const core = cores.get(lium);
  if (!core) throw new TypeError('Not a Lium instance');
  return core;
}

/** Settings, the REST client, the SSH key and pool of a `Lium`, and closing them. */
export class LiumBase implements AsyncDisposable {
  /** Builds the shared core; nothing is read or connected until the first call. */
  constructor(options: LiumOptions = {}) {
    cores.set(this, new LiumCore(options));
  }

  /** The resolved settings (config file, environment, options); never contains secrets in logs. */
  getSettings(): Promise<LiumSettings> {
    return coreOf(this).settings();
  }

  /** The raw REST client, for endpoints this class does not wrap. */
  getApiClient(): Promise<LiumAPIClient> {
    return coreOf(this).api();
  }

  /** The SSH key pair pods are rented with and logged in to. */
  getSshKey(): Promise<SshKeyPair> {
    return coreOf(this).sshKey();
  }

  /** The connection pool every SSH operation of this Lium shares (closed by `close()`). */
  getSshPool(): Promise<SshPool> {
    return coreOf(this).pool();
  }

  /** Closes every SSH connection this instance opened. Safe to call twice. */
  close(): Promise<void> {
    return coreOf(this).close();
  }

  /** Closes the SDK's SSH connections, as {@link Lium.close}; for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
