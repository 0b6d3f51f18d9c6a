import * as v from 'valibot';
import { DEFAULT_PAY_BASE_URL } from './client.ts';
import { optNumber } from './schemas/common.ts';
import { type RequestOptions, Transport } from './transport.ts';
import { validate } from './validate.ts';

/** Pay API `GET /balance/convert?amount=<USD>` (lium-api.md §2.9.2). */
export const TaoConversionSchema = v.looseObject({
  /** TAO worth `amount` USD. */
  converted: optNumber(),
  /** USD per TAO. */
  rate: optNumber(),
});
export type TaoConversion = v.InferOutput<typeof TaoConversionSchema>;

/** How to reach the pay API for {@link convertUsdToTao}. */
export interface PayApiOptions {
  /** The pay API's own key (never the user's key); never logged. */
  payApiKey: string;
  /** Default `https://pay-api.lium.io`. */
  payBaseUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Per-attempt timeout; default 30 000 ms. */
  timeoutMs?: number | undefined;
  /** Retries (it is a read); default 2. */
  maxRetries?: number | undefined;
}

/**
 * Pay API `GET /balance/convert?amount=`: what `amountUsd` is worth in TAO, and the rate (USD
 * per TAO). A separate function because `LiumAPIClient` does not wrap this endpoint yet.
 */
export async function convertUsdToTao(
  pay: PayApiOptions,
  amountUsd: number,
  options: RequestOptions = {},
): Promise<TaoConversion> {
  const transport = new Transport({
    baseUrl: (pay.payBaseUrl ?? DEFAULT_PAY_BASE_URL).replace(/\/+$/, ''),
    headers: { 'X-API-KEY': pay.payApiKey },
    timeoutMs: pay.timeoutMs ?? 30_000,
    maxRetries: pay.maxRetries ?? 2,
    retryBaseDelayMs: 500,
    fetch: pay.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    signal: undefined,
    secrets: pay.payApiKey.length >= 4 ? [pay.payApiKey] : [],
    onRequest: undefined,
    onResponse: undefined,
  });
  const response = await transport.request(
    { method: 'GET', path: '/balance/convert', query: { amount: String(amountUsd) } },
    { signal: options.signal, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries },
  );
  return validate(TaoConversionSchema, response, 'conversion');
}
