import { backoff, sleep } from './abort.ts';

export interface PollOptions {
  timeoutMs: number;
  /** First interval; grows by half each poll up to `maxIntervalMs`. */
  intervalMs: number;
  maxIntervalMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Calls `check` until it returns a value, sleeping between calls (fast first, then slower).
 * `check` throws to stop with an error. Resolves undefined when `timeoutMs` runs out; the
 * caller says what did not happen in time.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (const delay of backoff(options.intervalMs, options.maxIntervalMs)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + delay > deadline) return undefined;
    await sleep(delay, options.signal);
  }
  return undefined;
}

/**
 * Runs `work` on every item, at most `concurrency` at a time, and collects each result or
 * error in input order: one failure never stops the others.
 */
export async function settleEach<I, T>(
  items: readonly I[],
  concurrency: number,
  work: (item: I) => Promise<T>,
): Promise<
  ({ item: I; result: T; error?: undefined } | { item: I; result?: undefined; error: unknown })[]
> {
  const outcomes: Awaited<ReturnType<typeof settleEach<I, T>>> = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as I;
      try {
        outcomes[index] = { item, result: await work(item) };
      } catch (error) {
        outcomes[index] = { item, error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return outcomes;
}
