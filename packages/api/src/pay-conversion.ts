import type { FetchLike } from './fetch-like.ts';
import { LiumPayClient, type TaoConversion } from './pay-client.ts';
import type { RequestOptions } from './transport.ts';

export { type TaoConversion, TaoConversionSchema } from './pay-client.ts';

/** How to reach the pay API for {@link convertUsdToTao}. */
export interface PayApiOptions {
  /** The pay API's own key (never the user's key); never logged. */
  payApiKey: string;
  /** Default `https://pay-api.lium.io`. */
  payBaseUrl?: string | undefined;
  /** Default: the global `fetch`. Any {@link FetchLike} will do (the SDK passes one over `node:http`). */
  fetch?: FetchLike | undefined;
  /** Per-attempt timeout; default 30 000 ms. */
  timeoutMs?: number | undefined;
  /** Retries (it is a read); default 2. */
  maxRetries?: number | undefined;
}

/**
 * Pay API `GET /balance/convert?amount=`: what `amountUsd` is worth in TAO, and the rate.
 * @deprecated Use `new LiumPayClient({ payApiKey }).convertUsdToTao({ amount: amountUsd })`.
 */
export function convertUsdToTao(
  pay: PayApiOptions,
  amountUsd: number,
  options: RequestOptions = {},
): Promise<TaoConversion> {
  return new LiumPayClient(pay).convertUsdToTao({ amount: amountUsd }, options);
}
