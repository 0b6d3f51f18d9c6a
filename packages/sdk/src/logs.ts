import { isLiumError } from '@lium/errors';
import { sleep, throwIfAborted } from './abort.ts';

/** Lines remembered to recognise, after a reconnect, what was already yielded. */
export const LOG_OVERLAP_LINES = 1000;

/** The API call {@link streamPodLogLines} uses; `LiumAPIClient` has it. */
export interface LogsDeps {
  /** `LiumAPIClient.streamPodLogs`: the `log` text of each line of `GET /pods/{id}/logs`. */
  streamPodLogs(
    podId: string,
    query: { tail?: number | undefined; follow?: boolean | undefined },
    options: { signal?: AbortSignal | undefined },
  ): AsyncIterable<string>;
}

/** What the reader is doing when it is not yielding lines (for a status line). */
export type LogsStatus =
  /** The API said "Pod container not deployed yet" (right after a rent): retrying. */
  | {
      /** The container is not deployed yet. */
      kind: 'waiting_for_container';
      /** When the next try is, ms from now. */
      retryInMs: number;
    }
  /** The stream broke off (or could not open): reconnecting after `delayMs`. */
  | {
      /** The stream broke off. */
      kind: 'reconnecting';
      /** Which consecutive reconnect this is, from 1. */
      attempt: number;
      /** The wait before it, ms. */
      delayMs: number;
      /** Why the stream broke off. */
      error: unknown;
    }
  /** Reconnected; `skipped` lines of the new stream had been yielded already. */
  | {
      /** The stream is back. */
      kind: 'reconnected';
      /** Lines of the new stream skipped as already yielded. */
      skipped: number;
    }
  /** More lines arrived while disconnected than a reconnect can show again: some are lost. */
  | {
      /** Some lines were lost while disconnected. */
      kind: 'gap';
    };

/** Options of {@link streamPodLogLines}. */
export interface PodLogOptions {
  /** Lines of history to start with (server default 100; 0 = only new lines). */
  tail?: number | undefined;
  /** Keep following new lines until `signal` fires (or the server ends the stream). */
  follow?: boolean | undefined | undefined;
  /** Stops the stream and any wait; the generator throws an `aborted` error. */
  signal?: AbortSignal | undefined | undefined;
  /** First reconnect delay (default 500 ms), doubling up to `maxReconnectDelayMs` (10 s). */
  reconnectDelayMs?: number | undefined;
  /** The longest reconnect delay, ms; default 10 000. */
  maxReconnectDelayMs?: number | undefined;
  /** Consecutive failed reconnects before the error is thrown (default 8). */
  maxReconnects?: number | undefined;
  /** How long to wait for a container that is not deployed yet (default 300 000 ms). */
  notDeployedTimeoutMs?: number | undefined;
  /** How often to ask again while the container is not deployed (default 2 000 ms). */
  notDeployedPollMs?: number | undefined;
  /** Called when the stream waits, reconnects or loses lines; default none. */
  onStatus?: ((status: LogsStatus) => void) | undefined;
}

/** Errors a new connection may cure: the network, the server or a proxy hiccuped. */
function isTransient(error: unknown): boolean {
  if (!isLiumError(error)) return false;
  return ['connection_failed', 'timeout', 'server_error', 'rate_limited'].includes(error.code);
}

/** The 404 the API answers before the pod's container exists ("Pod container not deployed yet"). */
export function isContainerNotDeployed(error: unknown): boolean {
  return isLiumError(error) && error.code === 'not_found' && /not deployed/i.test(error.message);
}

/**
 * Aligns a reconnected stream with the lines already yielded. The reconnect asks for as many
 * lines of history as `history` holds, so the new stream starts inside (or just after) what was
 * yielded: its first lines that repeat the end of `history` are skipped. Lines are held back
 * while they could still be such a repeat; the longest repeat wins.
 */
export class LogAligner {
  readonly #history: readonly string[];
  readonly #pending: string[] = [];
  /** Start positions in history still matching every pending line. */
  #candidates: number[] | undefined;
  /** Smallest start position whose match ran to the end of history (longest repeat). */
  #best: number | undefined;
  #done = false;

  constructor(history: readonly string[]) {
    this.#history = history;
    this.#done = history.length === 0;
  }

  /** True once the new stream is past every repeat: later lines pass straight through. */
  get aligned(): boolean {
    return this.#done;
  }

  /** Feeds one line; returns the lines that are new for sure (empty while undecided). */
  push(line: string): string[] {
    if (this.#done) return [line];
    const history = this.#history;
    const index = this.#pending.length;
    this.#pending.push(line);
    this.#candidates ??= history.flatMap((text, start) => (text === line ? [start] : []));
    const alive: number[] = [];
    for (const start of this.#candidates) {
      if (history[start + index] !== line) continue;
      if (start + index + 1 === history.length) {
        this.#best = Math.min(this.#best ?? start, start);
      } else alive.push(start);
    }
    this.#candidates = alive;
    // Undecided while a longer repeat than the best one found is still possible.
    if (alive.some((start) => this.#best === undefined || start < this.#best)) return [];
    return this.#finish();
  }

  /** The stream ended (or broke) while undecided: what to yield of the held-back lines. */
  flush(): string[] {
    if (this.#done) return [];
    // Still matching the history: everything held back was old.
    if (this.#best === undefined && (this.#candidates?.length ?? 0) > 0) {
      this.#done = true;
      return [];
    }
    return this.#finish();
  }

  /** Lines of the new stream recognised as repeats. */
  get skipped(): number {
    return this.#best === undefined ? 0 : this.#history.length - this.#best;
  }

  /** True when nothing of history was found again (lines may have been lost in between). */
  get gap(): boolean {
    return this.#done && this.#best === undefined && this.#pending.length > 0;
  }

  #finish(): string[] {
    this.#done = true;
    return this.#pending.slice(this.skipped);
  }
}

/**
 * The container output (PID 1) of a pod, line by line: the last `tail` lines, then with `follow`
 * every new line until `signal` fires. A stream that breaks off is reopened with backoff, and
 * lines it had already yielded are not yielded again; right after a rent, while the API answers
 * "Pod container not deployed yet", it waits and asks again (reported through `onStatus`).
 */
export async function* streamPodLogLines(
  deps: LogsDeps,
  podId: string,
  options: PodLogOptions = {},
): AsyncGenerator<string> {
  const follow = options.follow ?? false;
  const baseDelay = options.reconnectDelayMs ?? 500;
  const maxDelay = options.maxReconnectDelayMs ?? 10_000;
  const maxReconnects = options.maxReconnects ?? 8;
  const pollMs = options.notDeployedPollMs ?? 2_000;
  const notDeployedDeadline = Date.now() + (options.notDeployedTimeoutMs ?? 300_000);
  const signal = options.signal;
  const history: string[] = [];
  let failures = 0;
  /** Set once the API served a stream (no more waiting for the container). */
  let opened = false;
  for (;;) {
    throwIfAborted(signal);
    // After a drop the new stream must start inside what was yielded, where the aligner finds
    // it: the same window again for a one-off tail (which may have broken off half-way), or as
    // many lines as were yielded when following (the window moved on with the log).
    const aligner = new LogAligner(history);
    const tail = history.length > 0 && follow ? history.length : options.tail;
    const reconnect = failures > 0;
    let yieldedNow = 0;
    let reported = !reconnect;
    const emit = function* (lines: string[]): Generator<string> {
      for (const line of lines) {
        history.push(line);
        if (history.length > LOG_OVERLAP_LINES) history.shift();
        yieldedNow++;
        yield line;
      }
    };
    try {
      const stream = deps.streamPodLogs(podId, { tail, follow }, { signal });
      for await (const line of stream) {
        opened = true;
        const fresh = aligner.push(line);
        if (aligner.aligned && !reported) {
          reported = true;
          options.onStatus?.(
            aligner.gap ? { kind: 'gap' } : { kind: 'reconnected', skipped: aligner.skipped },
          );
        }
        if (fresh.length > 0) failures = 0;
        yield* emit(fresh);
      }
      opened = true;
      // The server ended the stream: the tail is complete, or (following) the pod is gone.
      yield* emit(aligner.flush());
      return;
    } catch (error) {
      throwIfAborted(signal);
      if (!opened && isContainerNotDeployed(error)) {
        if (Date.now() + pollMs > notDeployedDeadline) throw error;
        options.onStatus?.({ kind: 'waiting_for_container', retryInMs: pollMs });
        await sleep(pollMs, signal);
        continue;
      }
      if (!isTransient(error)) throw error;
      // Lines held back while aligning are seen again after the next reconnect.
      if (yieldedNow > 0) failures = 0;
      failures++;
      if (failures > maxReconnects) throw error;
      const delayMs = Math.min(maxDelay, baseDelay * 2 ** (failures - 1));
      options.onStatus?.({ kind: 'reconnecting', attempt: failures, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}
