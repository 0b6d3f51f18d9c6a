/**
 * Sends one logical request: builds the URL and headers, runs each attempt under its own timeout
 * (`AbortSignal.any([attempt timeout, caller signals])`), maps failures to `LiumApiError`s and
 * retries what is safe to retry (see retry-policy.ts).
 *
 * Plain `fetch`, not ofetch: with ofetch's retry and timeout switched off (both are unsafe here,
 * STYLE.md Part 3) what is left is URL joining and JSON parsing, while its `FetchError` wrapping
 * would blur the difference between our timeout and the caller's abort that the retry loop needs.
 */
import { errorFromResponse } from './error-from-response.ts';
import {
  LiumAbortError,
  type LiumApiError,
  LiumConnectionError,
  LiumTimeoutError,
} from './errors.ts';
import type { FetchLike, FetchLikeResponse } from './fetch-like.ts';
import { buildQuery, type QueryValue } from './query.ts';
import {
  backoffDelay,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
} from './retry-policy.ts';
import { sleep } from './sleep.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The last argument of every client method. */
export interface RequestOptions {
  /** Cancels the call (including retries and backoff waits); surfaces as `LiumAbortError`. */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout for this call; defaults to the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /** Retries for this call; defaults to the client's `maxRetries`. */
  maxRetries?: number | undefined;
}

/** Passed to `onRequest` before every attempt. Secrets are already redacted from `headers`. */
export interface RequestEvent {
  /** The HTTP method. */
  method: string;
  /** The full URL, query string included. */
  url: string;
  /** The endpoint path, without base URL or query. */
  path: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The request headers, with the API key masked. */
  headers: Record<string, string>;
}

/** Passed to `onResponse` after every attempt, whether it answered, failed or will be retried. */
export interface ResponseEvent {
  /** The HTTP method. */
  method: string;
  /** The full URL, query string included. */
  url: string;
  /** The endpoint path, without base URL or query. */
  path: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The HTTP status, or undefined when no answer came (network error, timeout). */
  status: number | undefined;
  /** The server's request id (`x-request-id`), when it sent one. */
  requestId: string | undefined;
  /** From sending the request to the end of the answer (or the failure). */
  durationMs: number;
  /** Why the attempt failed, when it did. */
  error: LiumApiError | undefined;
  /** True when the client is going to try again. */
  willRetry: boolean;
  /** How long the client waits before the next attempt (when `willRetry`). */
  retryDelayMs: number | undefined;
}

export interface TransportConfig {
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  fetch: FetchLike;
  signal: AbortSignal | undefined;
  /** Strings (API keys) removed from everything the server sends back and from hook events. */
  secrets: string[];
  onRequest: ((event: RequestEvent) => void) | undefined;
  onResponse: ((event: ResponseEvent) => void) | undefined;
}

export interface ApiRequest {
  method: HttpMethod;
  /** Endpoint path starting with `/`, used verbatim (trailing slashes kept). */
  path: string;
  query?: Record<string, QueryValue> | undefined;
  /** Sent as JSON when not undefined. */
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** Retry on 5xx/timeouts/connection errors too. Defaults to true for GET and HEAD only. */
  idempotent?: boolean | undefined;
  /** Send no API key (the CLI login endpoints are called without one). */
  anonymous?: boolean | undefined;
}

export interface ApiResponse {
  /** Parsed JSON; the raw text when the body was not JSON (`isJson` false); undefined when empty. */
  body: unknown;
  isJson: boolean;
  status: number;
  requestId: string | undefined;
  method: string;
  path: string;
}

export interface StreamResponse {
  response: FetchLikeResponse;
  status: number;
  requestId: string | undefined;
  /** Aborts when the caller's signals abort (the attempt timeout no longer applies). */
  signal: AbortSignal;
}

const REDACTED = '[redacted]';
const SECRET_HEADERS = new Set(['x-api-key', 'authorization']);

class AttemptTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms`);
  }
}

type AttemptOutcome =
  | { ok: true; value: ApiResponse | StreamResponse }
  | { ok: false; error: LiumApiError; retryable: boolean; retryAfterMs?: number | undefined };

export class Transport {
  constructor(private readonly config: TransportConfig) {}

  /** Sends the request and reads the whole body. */
  async request(request: ApiRequest, options: RequestOptions = {}): Promise<ApiResponse> {
    return (await this.send(request, options, false)) as ApiResponse;
  }

  /** Sends the request and hands back the response with its body unread (for log streams). */
  async stream(request: ApiRequest, options: RequestOptions = {}): Promise<StreamResponse> {
    return (await this.send(request, options, true)) as StreamResponse;
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.config.secrets) result = result.split(secret).join(REDACTED);
    return result;
  }

  private async send(
    request: ApiRequest,
    options: RequestOptions,
    streaming: boolean,
  ): Promise<ApiResponse | StreamResponse> {
    const callerSignals = [this.config.signal, options.signal].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const callerSignal = callerSignals.length > 0 ? AbortSignal.any(callerSignals) : undefined;
    const idempotent =
      request.idempotent ?? (request.method === 'GET' || request.method === 'HEAD');
    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;

    for (let attempt = 1; ; attempt++) {
      if (callerSignal?.aborted) throw this.abortError(request, callerSignal.reason);
      const started = Date.now();
      const outcome = await this.attempt(request, {
        attempt,
        callerSignal,
        idempotent,
        timeoutMs,
        streaming,
      });
      const canRetry = !outcome.ok && outcome.retryable && attempt <= maxRetries;
      const wait = outcome.ok ? 0 : this.retryDelay(outcome.retryAfterMs, attempt);
      const willRetry = canRetry && wait <= MAX_RETRY_AFTER_MS;
      this.emitResponse(request, {
        attempt,
        status: outcome.ok ? outcome.value.status : outcome.error.status,
        requestId: outcome.ok ? outcome.value.requestId : outcome.error.requestId,
        durationMs: Date.now() - started,
        error: outcome.ok ? undefined : outcome.error,
        willRetry,
        retryDelayMs: willRetry ? wait : undefined,
      });
      if (outcome.ok) return outcome.value;
      if (!willRetry) throw outcome.error;
      try {
        await sleep(wait, callerSignal);
      } catch (reason) {
        throw this.abortError(request, reason);
      }
    }
  }

  private retryDelay(retryAfterMs: number | undefined, attempt: number): number {
    return retryAfterMs ?? backoffDelay(attempt - 1, this.config.retryBaseDelayMs);
  }

  private async attempt(
    request: ApiRequest,
    context: {
      attempt: number;
      callerSignal: AbortSignal | undefined;
      idempotent: boolean;
      timeoutMs: number;
      streaming: boolean;
    },
  ): Promise<AttemptOutcome> {
    const { method, path } = request;
    const url = `${this.config.baseUrl}${path}${buildQuery(request.query)}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.config.headers,
      ...request.headers,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.anonymous) {
      for (const name of Object.keys(headers)) {
        if (SECRET_HEADERS.has(name.toLowerCase())) delete headers[name];
      }
    }
    this.emitRequest({ method, url, path, attempt: context.attempt, headers });

    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new AttemptTimeout(context.timeoutMs)),
      context.timeoutMs,
    );
    const signal = context.callerSignal
      ? AbortSignal.any([timeout.signal, context.callerSignal])
      : timeout.signal;
    const base = { method, path };

    try {
      const response = await this.config.fetch(url, {
        method,
        headers,
        signal,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (context.streaming && response.ok) {
        clearTimeout(timer);
        return {
          ok: true,
          value: {
            response,
            status: response.status,
            requestId,
            signal: context.callerSignal ?? new AbortController().signal,
          },
        };
      }
      const text = this.redact(await response.text());
      clearTimeout(timer);
      const parsed = parseBody(text);
      if (response.ok) {
        return {
          ok: true,
          value: { ...base, ...parsed, status: response.status, requestId },
        };
      }
      const retryAfterMs = parseRetryAfter(response.headers);
      const error = errorFromResponse({
        ...base,
        status: response.status,
        statusText: response.statusText,
        body: parsed.body,
        requestId,
        retryAfterMs,
      });
      return {
        ok: false,
        error,
        retryable: isRetryableStatus(response.status, context.idempotent),
        retryAfterMs,
      };
    } catch (cause) {
      clearTimeout(timer);
      if (context.callerSignal?.aborted) {
        return {
          ok: false,
          retryable: false,
          error: this.abortError(request, context.callerSignal.reason),
        };
      }
      if (timeout.signal.aborted) {
        return {
          ok: false,
          retryable: context.idempotent,
          error: new LiumTimeoutError(`${method} ${path} timed out after ${context.timeoutMs} ms`, {
            ...base,
            cause,
          }),
        };
      }
      return {
        ok: false,
        retryable: context.idempotent,
        error: new LiumConnectionError(
          `${method} ${path} failed: ${this.redact(describeNetworkError(cause))}`,
          { ...base, cause },
        ),
      };
    }
  }

  abortError(request: ApiRequest, reason: unknown): LiumAbortError {
    return new LiumAbortError(`${request.method} ${request.path} was aborted`, {
      method: request.method,
      path: request.path,
      cause: reason,
    });
  }

  private emitRequest(event: RequestEvent): void {
    const hook = this.config.onRequest;
    if (!hook) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(event.headers)) {
      headers[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : this.redact(value);
    }
    callHook(() => hook({ ...event, url: this.redact(event.url), headers }));
  }

  private emitResponse(
    request: ApiRequest,
    event: Omit<ResponseEvent, 'method' | 'url' | 'path'>,
  ): void {
    const hook = this.config.onResponse;
    if (!hook) return;
    const url = this.redact(`${this.config.baseUrl}${request.path}${buildQuery(request.query)}`);
    callHook(() => hook({ ...event, method: request.method, path: request.path, url }));
  }
}

/** Hooks are for observation; one that throws must not change the outcome of the request. */
function callHook(run: () => void): void {
  try {
    run();
  } catch {
    // ignored on purpose
  }
}

function parseBody(text: string): { body: unknown; isJson: boolean } {
  if (text.trim() === '') return { body: undefined, isJson: true };
  try {
    return { body: JSON.parse(text), isJson: true };
  } catch {
    return { body: text, isJson: false };
  }
}

/** Node's fetch says only "fetch failed"; the useful part (ECONNRESET, ENOTFOUND…) is the cause. */
function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}
