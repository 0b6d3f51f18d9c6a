import { LiumSdkError } from './errors.ts';

/** The error every SDK wait throws when the caller's signal fires (same code as `@lium/api`). */
export function abortError(signal: AbortSignal): LiumSdkError {
  return new LiumSdkError('The operation was aborted', { code: 'aborted', cause: signal.reason });
}

/** Waits `ms`; rejects with {@link abortError} as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Poll intervals: `initialMs`, growing by half each time up to `maxMs` (fast first, then slower). */
export function* backoff(initialMs: number, maxMs: number): Generator<number, never> {
  let interval = initialMs;
  for (;;) {
    yield interval;
    interval = Math.min(maxMs, Math.ceil(interval * 1.5));
  }
}
