/**
 * The items of `source` until `signal` aborts, and not one moment longer: on Ctrl-C the loop
 * ends at once, without waiting for the source to notice (remote commands may take a while to
 * report their channels closed, and each would report "aborted"). The source is told to stop
 * (`return()`), but not waited for. Ends normally; callers check `signal.aborted`.
 */
export async function* untilAborted<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  if (signal.aborted) return;
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted' || next.done) break;
      yield next.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    if (signal.aborted) void iterator.return?.().catch(() => undefined);
  }
}
