/**
 * The one abortable sleep of the project: waits `ms`, or rejects as soon as `signal` aborts, with
 * `abortError(signal)` when given (the SDK's `aborted` error) and the signal's reason otherwise.
 */
export function sleep(
  ms: number,
  signal?: AbortSignal | undefined,
  abortError: (signal: AbortSignal) => unknown = (s) => s.reason,
): Promise<void> {
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
