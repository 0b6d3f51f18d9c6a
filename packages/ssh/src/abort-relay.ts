/**
 * One `abort` listener per AbortSignal, shared by every operation of this package that watches
 * it. A caller fanning out over many pods (`lium exec all`) hands the same signal to each exec;
 * a listener per command would pass Node's limit of 10 per EventTarget and print
 * MaxListenersExceededWarning, however carefully each one is removed afterwards.
 */
const handlersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

function relay(signal: AbortSignal): void {
  const handlers = handlersBySignal.get(signal);
  handlersBySignal.delete(signal);
  for (const handler of handlers ?? []) handler();
}

/**
 * Calls `handler` once when `signal` fires. Returns the unsubscribe function; call it when the
 * operation ends so the signal keeps no reference to it.
 */
export function onAbort(signal: AbortSignal | undefined, handler: () => void): () => void {
  if (signal === undefined || signal.aborted) return () => undefined;
  let handlers = handlersBySignal.get(signal);
  if (handlers === undefined) {
    handlers = new Set();
    handlersBySignal.set(signal, handlers);
    signal.addEventListener('abort', () => relay(signal), { once: true });
  }
  // A wrapper per subscription so the same function may be subscribed twice independently.
  const entry = () => handler();
  handlers.add(entry);
  return () => {
    handlers.delete(entry);
  };
}
