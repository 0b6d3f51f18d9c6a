/**
 * The Lium pay API (lium-api.md §2.9.2): wallets, access tokens, conversions. A client of its
 * own because it has its own key and base URL: without a pay key there is no client, so a
 * missing key is a type error, not a run-time throw.
 *
 * Input convention (as in `LiumAPIClient`, see client.ts): path ids are positional, then the
 * query or body as one camelCase object, then `RequestOptions`, always last.
 */
import * as v from 'valibot';
import { checkKey, requestOptions } from './client-common.ts';
import { type FetchLike, globalFetch } from './fetch-like.ts';
import { path } from './path.ts';
import { listOf, optNumber } from './schemas/common.ts';
import {
  type AlphaConversion,
  AlphaConversionSchema,
  type CompanyWallet,
  CompanyWalletSchema,
  type Wallet,
  WalletSchema,
  type WalletToken,
  WalletTokenSchema,
  type WalletVerification,
  WalletVerificationSchema,
} from './schemas/funding.ts';
import {
  type ApiRequest,
  type RequestEvent,
  type RequestOptions,
  type ResponseEvent,
  Transport,
} from './transport.ts';
import { validate } from './validate.ts';

/** The pay API's address (TAO funding), used when no other is configured. */
export const DEFAULT_PAY_BASE_URL = 'https://pay-api.lium.io';

/** Pay API `GET /balance/convert?amount=<USD>` (lium-api.md §2.9.2). */
export const TaoConversionSchema = v.looseObject({
  /** TAO worth `amount` USD. */
  converted: optNumber(),
  /** USD per TAO. */
  rate: optNumber(),
});
/** What USD amount is worth in TAO, and the rate. */
export type TaoConversion = v.InferOutput<typeof TaoConversionSchema>;

/** What linking a coldkey to the account sends: the address, a signed access key, the account. */
export interface WalletVerificationInput {
  /** The coldkey's SS58 address. */
  coldkeyAddress: string;
  /** The access key the pay API issued, which the coldkey signs. */
  accessKey: string;
  /** Hex of the coldkey's signature over `accessKey`. */
  signature: string;
  /** The account's `stripe_customer_id` (from `GET /users/me`). */
  stripeCustomerId: string;
  /** The application the link is for. */
  applicationId: string;
}

/** How a {@link LiumPayClient} connects to the pay API. */
export interface LiumPayClientOptions {
  /** The pay API's own key (never the user's key), sent as `X-API-KEY`; never logged. */
  payApiKey: string;
  /** Default `https://pay-api.lium.io`. */
  payBaseUrl?: string | undefined;
  /** Per-attempt timeout; default 30 000 ms. */
  timeoutMs?: number | undefined;
  /** Retries of idempotent requests; default 2. */
  maxRetries?: number | undefined;
  /** First backoff delay, doubled per retry; default 500 ms. */
  retryBaseDelayMs?: number | undefined;
  /** Default: the global `fetch`. Any {@link FetchLike} will do (the SDK passes one over `node:http`). */
  fetch?: FetchLike | undefined;
  /** Aborts every call of this client. */
  signal?: AbortSignal | undefined;
  /** Called before every attempt, with the key redacted. */
  onRequest?: ((event: RequestEvent) => void) | undefined;
  /** Called after every attempt, with the key redacted. */
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  /** Further secrets to redact from events and errors (e.g. the user's key). */
  secrets?: readonly string[] | undefined;
}

/**
 * The pay API (TAO funding: linked wallets, access keys, coldkey verification, conversions),
 * a separate service with its own key; see docs/lium-api.md §2.9.
 */
export class LiumPayClient {
  /** The pay API's base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly #transport: Transport;

  constructor(options: LiumPayClientOptions) {
    checkKey('pay API key', options.payApiKey);
    this.baseUrl = (options.payBaseUrl ?? DEFAULT_PAY_BASE_URL).replace(/\/+$/, '');
    // The pay API gets only its own key: no user key, no X-Source/version ([L] `pay_headers`).
    this.#transport = new Transport({
      baseUrl: this.baseUrl,
      headers: { 'X-API-KEY': options.payApiKey },
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      fetch: options.fetch ?? globalFetch,
      signal: options.signal,
      secrets: [options.payApiKey, ...(options.secrets ?? [])].filter((s) => s.length >= 4),
      onRequest: options.onRequest,
      onResponse: options.onResponse,
    });
  }

  async #call<TSchema extends v.GenericSchema>(
    schema: TSchema,
    root: string,
    request: ApiRequest,
    options: RequestOptions,
  ): Promise<v.InferOutput<TSchema>> {
    return validate(schema, await this.#transport.request(request, requestOptions(options)), root);
  }

  /** `GET /wallet/available-wallets/{stripeCustomerId}`: the linked coldkeys. */
  getAvailableWallets(stripeCustomerId: string, options: RequestOptions = {}): Promise<Wallet[]> {
    const request: ApiRequest = {
      method: 'GET',
      path: path`/wallet/available-wallets/${stripeCustomerId}`,
    };
    return this.#call(listOf(WalletSchema), 'wallets', request, options);
  }

  /** `GET /token/generate`: an access key for the coldkey to sign. */
  generateWalletToken(options: RequestOptions = {}): Promise<WalletToken> {
    const request: ApiRequest = { method: 'GET', path: '/token/generate' };
    return this.#call(WalletTokenSchema, 'token', request, options);
  }

  /** `POST /token/verify`: links a coldkey by its signature over the access key. */
  verifyWalletToken(
    input: WalletVerificationInput,
    options: RequestOptions = {},
  ): Promise<WalletVerification> {
    const body = {
      coldkey_address: input.coldkeyAddress,
      access_key: input.accessKey,
      signature: input.signature,
      stripe_customer_id: input.stripeCustomerId,
      application_id: input.applicationId,
    };
    const request: ApiRequest = { method: 'POST', path: '/token/verify', body };
    return this.#call(WalletVerificationSchema, 'verification', request, options);
  }

  /** `GET /balance/convert/alpha?amount=`: `amount` USD → alpha; 503 when no price is available. */
  convertAlpha(query: { amount: number }, options: RequestOptions = {}): Promise<AlphaConversion> {
    const request: ApiRequest = {
      method: 'GET',
      path: '/balance/convert/alpha',
      query: { amount: String(query.amount) },
    };
    return this.#call(AlphaConversionSchema, 'conversion', request, options);
  }

  /** `GET /balance/convert?amount=`: what `amount` USD is worth in TAO, and USD per TAO. */
  convertUsdToTao(query: { amount: number }, options: RequestOptions = {}): Promise<TaoConversion> {
    const request: ApiRequest = {
      method: 'GET',
      path: '/balance/convert',
      query: { amount: String(query.amount) },
    };
    return this.#call(TaoConversionSchema, 'conversion', request, options);
  }

  /** `GET /wallet/company/?app_id=`; 404 when the app has no company wallet. */
  getCompanyWallet(query: { appId: string }, options: RequestOptions = {}): Promise<CompanyWallet> {
    const request: ApiRequest = {
      method: 'GET',
      path: '/wallet/company/',
      query: { app_id: query.appId },
    };
    return this.#call(CompanyWalletSchema, 'wallet', request, options);
  }
}
