/**
 * The lazily built state one `Lium` shares between its modules: settings, the REST client, the
 * SSH key and connection pool, and the once-per-instance key registration. Every module of the
 * façade takes this (and nothing else of the class), so each can be read and tested alone.
 */
import { join } from 'node:path';
import { type FetchLike, LiumAPIClient } from '@lium/api';
import { findSshKey, type LiumSettings, resolveSettings, type SshKeyPair } from '@lium/config';
import type { SshPool } from '@lium/ssh';
import { LiumSdkError } from './errors.ts';
import { nodeHttpFetch } from './http-fetch.ts';
import type { LiumOptions } from './options.ts';
import { PodActivityRecorder } from './pod-activity.ts';
import { pollUntil } from './poll.ts';
import { registerSshKeys } from './ssh-key-registration.ts';

/** The API, SSH and settings of one Lium, set up on first use. */
export interface Context {
  settings: LiumSettings;
  api: LiumAPIClient;
  apiKey: string;
}

/** Runs `make` once; a failure is forgotten, so the next call tries again. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    value.catch(() => {
      value = undefined;
    });
    return value;
  };
}

export class LiumCore {
  readonly options: LiumOptions;
  #settings: Promise<LiumSettings> | undefined;
  #pool: Promise<SshPool> | undefined;
  #closed = false;
  /** Every SSH use of a pod is noted, for idle marking (see pod-activity.ts). */
  readonly activity = new PodActivityRecorder(async () => (await this.settings()).configDir);

  constructor(options: LiumOptions) {
    this.options = options;
  }

  /** The resolved settings (config file, environment, options). */
  settings(): Promise<LiumSettings> {
    this.#settings ??= resolveSettings({
      configDir: this.options.configDir,
      env: this.options.env,
      overrides: {
        apiKey: this.options.apiKey,
        baseUrl: this.options.baseUrl,
        sshKeyPath: this.options.sshKeyPath,
      },
    });
    return this.#settings;
  }

  #context = once(async (): Promise<Context> => {
    try {
      const settings = await this.settings();
      if (!settings.apiKey) {
        throw new LiumSdkError('No Lium API key is configured', {
          code: 'api_key_missing',
          hint: 'Set api.api_key in config.ini or LIUM_API_KEY, or pass { apiKey } to new Lium().',
        });
      }
      const api = new LiumAPIClient({
        source: 'sdk',
        ...this.options.api,
        fetch: this.fetch(),
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl,
      });
      return { settings, api, apiKey: settings.apiKey };
    } catch (error) {
      // A failed setup (no key yet) must not stick: the next call reads the config again.
      this.#settings = undefined;
      throw error;
    }
  });

  /** `options.fetch`, else `options.api.fetch`, else the `node:http` transport (no undici load). */
  fetch(): FetchLike {
    return this.options.fetch ?? this.options.api?.fetch ?? nodeHttpFetch;
  }

  context(): Promise<Context> {
    this.assertOpen();
    return this.#context();
  }

  async api(): Promise<LiumAPIClient> {
    return (await this.context()).api;
  }

  #keyless: LiumAPIClient | undefined;

  /**
   * The REST client for the public marketplace listings (`GET /executors`, `GET /machines`):
   * the keyed one when a key is configured, else one without a key, as the official client
   * lists machines (a server that wants a key answers 401, which says how to set one).
   */
  async publicApi(): Promise<LiumAPIClient> {
    this.assertOpen();
    const settings = await this.settings();
    if (settings.apiKey) return this.api();
    this.#keyless ??= new LiumAPIClient({
      source: 'sdk',
      ...this.options.api,
      fetch: this.fetch(),
      apiKey: '',
      baseUrl: settings.baseUrl,
    });
    return this.#keyless;
  }

  /** The SSH key pair pods are rented with and logged in to. */
  sshKey = once(async (): Promise<SshKeyPair> => {
    const settings = await this.settings();
    return findSshKey({ keyPath: settings.sshKeyPath, homeDir: this.options.homeDir });
  });

  /** The connection pool every SSH operation of this Lium shares (closed by `close()`). */
  pool(): Promise<SshPool> {
    this.assertOpen();
    this.#pool ??= this.#makePool();
    this.#pool.catch(() => {
      this.#pool = undefined;
    });
    return this.#pool;
  }

  /** LIUM_SSH_INSECURE=1 turns pinning off, as in the newest official client ([N]). */
  hostKeyCheck(): 'tofu' | 'off' {
    const env = this.options.env ?? process.env;
    return this.options.hostKeyCheck ?? (env.LIUM_SSH_INSECURE === '1' ? 'off' : 'tofu');
  }

  async #makePool(): Promise<SshPool> {
    const settings = await this.settings();
    const env = this.options.env ?? process.env;
    let privateKeyPath: string | undefined;
    try {
      privateKeyPath = (await this.sshKey()).privateKeyPath;
    } catch (error) {
      // No key file: the agent may still hold one (the pool uses $SSH_AUTH_SOCK then).
      if (!env.SSH_AUTH_SOCK) throw error;
    }
    const { SshPool } = await import('./ssh-runtime.ts');
    return new SshPool({
      privateKeyPath,
      // An encrypted key: its passphrase from the environment (else ssh-agent, else a clear
      // error naming both), never from argv or a file.
      passphrase: env.LIUM_SSH_PASSPHRASE || undefined,
      knownHostsDir: join(settings.configDir, 'known_hosts'),
      hostKeyCheck: this.hostKeyCheck(),
      connectTimeoutMs: this.options.sshConnectTimeoutMs,
    });
  }

  #keys: readonly string[] = [];
  #registerKeys = once(async () => {
    const { api, apiKey, settings } = await this.context();
    await registerSshKeys({
      api,
      apiKey,
      configDir: settings.configDir,
      publicKeys: this.#keys,
      name: this.options.sshKeyName,
    });
  });

  /**
   * Key registration shared by every startPod of this instance, so pods started in parallel
   * register a new key once, not once each. A failure is forgotten, so a later start retries.
   */
  registerKeysOnce(publicKeys: readonly string[]): Promise<void> {
    this.#keys = publicKeys;
    return this.#registerKeys();
  }

  warn(message: string): void {
    this.options.onWarning?.(message);
  }

  /** {@link pollUntil} at this instance's poll intervals. */
  poll<T>(
    timeoutMs: number,
    signal: AbortSignal | undefined,
    check: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    return pollUntil(check, {
      timeoutMs,
      intervalMs: this.options.pollIntervalMs ?? 1_000,
      maxIntervalMs: this.options.maxPollIntervalMs ?? 10_000,
      signal,
    });
  }

  assertOpen(): void {
    if (this.#closed) {
      throw new LiumSdkError('This Lium instance is closed', {
        code: 'closed',
        hint: 'Create a new Lium() after calling close().',
      });
    }
  }

  /** Closes every SSH connection this instance opened. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.activity.flush();
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await pool.then((p) => p.closeAll()).catch(() => undefined);
  }
}
