/**
 * When to retry and how long to wait (house style §2.7, after openai-node and workers-sdk):
 * idempotent requests are retried on connection errors, timeouts, 408, 429 and 5xx; other
 * requests only after a 429 (the server refused them unprocessed). The wait is
 * `base · 2ⁿ` capped at 8 s with up to 25 % jitter, unless the server says otherwise with
 * `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, honoured up to 60 s.
 */

export const MAX_BACKOFF_MS = 8_000;
/** A server asking for a longer pause than this gets a fast failure instead of a long hang. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Milliseconds the server asked us to wait, or undefined when it did not say (or said nonsense). */
export function parseRetryAfter(
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) {
    return Number(ms);
  }
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && (status === 408 || status >= 500);
}

/** Exponential backoff with up to 25 % jitter; `attempt` is 0 for the first retry. */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  random: () => number = Math.random,
): number {
  const delay = Math.min(baseDelayMs * 2 ** attempt, MAX_BACKOFF_MS);
  return delay * (1 - random() * 0.25);
}
