import { sleep as apiSleep } from '@lium/api';
import { LiumSdkError } from './errors.ts';

/** The error every SDK wait throws when the caller's signal fires (same code as `@lium/api`). */
export function abortError(signal: AbortSignal): LiumSdkError {
  return new LiumSdkError('The operation was aborted', { code: 'aborted', cause: signal.reason });
}

/** Waits `ms`; rejects with {@link abortError} as soon as `signal` fires (`@lium/api`'s sleep). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return apiSleep(ms, signal, abortError);
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
