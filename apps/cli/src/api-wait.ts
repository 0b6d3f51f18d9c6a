/**
 * "Waiting for the Lium API…" on a terminal: a stalled API used to mean up to 91 s of silence
 * (three 30 s attempts) before an error. Fed by the API client's request hooks, this shows one
 * status line once a request has been unanswered for a few seconds, says when it is being
 * retried and why, and clears the line when the answer comes.
 */
import type { RequestEvent, ResponseEvent } from '@lium/api';

/** How long a request may go unanswered before the status line appears. */
export const SHOW_AFTER_MS = 3_000;
const TICK_MS = 500;

interface Pending {
  /** When the first attempt of this request started. */
  since: number;
  attempt: number;
  /** Set between an attempt that failed and the retry. */
  retry?: { at: number; why: string } | undefined;
}

/** Why an attempt failed, in a few words. */
function whyOf(event: ResponseEvent): string {
  if (event.status !== undefined) return `HTTP ${event.status}`;
  if (event.error?.code === 'timeout') return 'no answer';
  return event.error?.code === 'connection_failed' ? 'connection failed' : 'failed';
}

export class ApiWaitStatus {
  readonly #pending = new Map<string, Pending>();
  readonly #show: (text: string | undefined) => void;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #shown = false;

  /** `show` draws (or, with undefined, clears) the status line. */
  constructor(show: (text: string | undefined) => void, now: () => number = Date.now) {
    this.#show = show;
    this.#now = now;
  }

  onRequest(event: RequestEvent): void {
    const key = `${event.method} ${event.path}`;
    const known = this.#pending.get(key);
    this.#pending.set(key, {
      since: event.attempt > 1 && known ? known.since : this.#now(),
      attempt: event.attempt,
    });
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#tick(), TICK_MS);
      this.#timer.unref?.();
    }
  }

  onResponse(event: ResponseEvent): void {
    const key = `${event.method} ${event.path}`;
    const pending = this.#pending.get(key);
    if (event.willRetry && pending) {
      pending.retry = { at: this.#now() + (event.retryDelayMs ?? 0), why: whyOf(event) };
    } else {
      this.#pending.delete(key);
    }
    this.#tick();
  }

  /** The line to show now, or undefined when nothing has waited long enough. */
  text(): string | undefined {
    const now = this.#now();
    let oldest: [string, Pending] | undefined;
    for (const entry of this.#pending) {
      if (!oldest || entry[1].since < oldest[1].since) oldest = entry;
    }
    if (!oldest || now - oldest[1].since < SHOW_AFTER_MS) return undefined;
    const [label, pending] = oldest;
    const waited = Math.round((now - pending.since) / 1000);
    if (pending.retry) {
      const inSeconds = Math.max(0, Math.ceil((pending.retry.at - now) / 1000));
      return `Lium API: ${pending.retry.why} for ${label}; retrying in ${inSeconds}s (attempt ${pending.attempt + 1}, ${waited}s so far)…`;
    }
    const attempt = pending.attempt > 1 ? `attempt ${pending.attempt}, ` : '';
    return `Waiting for the Lium API (${label}, ${attempt}${waited}s; Ctrl-C to stop)…`;
  }

  /** Clears the line and stops ticking (the run is over). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
    this.#tick();
  }

  #tick(): void {
    const text = this.text();
    if (text === undefined && !this.#shown) return;
    this.#shown = text !== undefined;
    this.#show(text);
    if (this.#pending.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
