import * as v from 'valibot';
import { LiumInvalidArgumentError } from './errors.ts';
import { listOf } from './schemas/common.ts';
import { type RequestOptions, Transport } from './transport.ts';
import { validate } from './validate.ts';
import { CLIENT_VERSION } from './version.ts';

/**
 * A registry login kept by the account (lium-api.md §2.6). `password` is a secret: never log it.
 */
export const DockerCredentialSchema = v.looseObject({
  id: v.string(),
  username: v.string(),
  password: v.string(),
  user_id: v.optional(v.nullable(v.string())),
  created_at: v.optional(v.nullable(v.string())),
  updated_at: v.optional(v.nullable(v.string())),
});
/** What {@link DockerCredentialSchema} validates: a registry login kept by the account. */
export type DockerCredential = v.InferOutput<typeof DockerCredentialSchema>;

/** How a {@link DockerCredentialsClient} connects. */
export interface DockerCredentialsClientOptions {
  /** The account's API key, sent as `X-API-KEY`; never logged. */
  apiKey: string;
  /** Default `https://lium.io/api`. */
  baseUrl?: string | undefined;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Which client calls, sent as `X-Source` (default `sdk`). */
  source?: 'sdk' | 'cli' | undefined;
  /** That client's version, sent as `X-Lium-Client-Version`. */
  clientVersion?: string | undefined;
  /** Per-attempt timeout; default 30 000 ms. */
  timeoutMs?: number | undefined;
  /** Aborts every call of this client. */
  signal?: AbortSignal | undefined;
}

/**
 * `GET /docker-credentials` (§2.6), which `LiumAPIClient` does not wrap yet: the registry
 * logins `lium image` can push with. Kept apart so it can move into the client unchanged.
 */
export class DockerCredentialsClient {
  private readonly transport: Transport;

  constructor(options: DockerCredentialsClientOptions) {
    if (!/^[\x21-\x7e]+$/.test(options.apiKey)) {
      throw new LiumInvalidArgumentError(
        'The API key must be printable ASCII without spaces',
        'Check LIUM_API_KEY or the api.api_key setting.',
      );
    }
    this.transport = new Transport({
      baseUrl: (options.baseUrl ?? 'https://lium.io/api').replace(/\/+$/, ''),
      headers: {
        'X-API-KEY': options.apiKey,
        'X-Source': options.source ?? 'sdk',
        'X-Lium-Client-Version': options.clientVersion ?? CLIENT_VERSION,
      },
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: 2,
      retryBaseDelayMs: 500,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      signal: options.signal,
      secrets: [options.apiKey],
      onRequest: undefined,
      onResponse: undefined,
    });
  }

  /** The account's registry logins, oldest first as the server lists them. */
  async list(options: RequestOptions = {}): Promise<DockerCredential[]> {
    const { signal, timeoutMs, maxRetries } = options;
    const response = await this.transport.request(
      { method: 'GET', path: '/docker-credentials' },
      { signal, timeoutMs, maxRetries },
    );
    return validate(listOf(DockerCredentialSchema), response, 'docker_credentials');
  }
}
