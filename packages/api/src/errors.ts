/**
 * The errors `@lium/api` throws. Every one extends `LiumApiError` (which extends `LiumError`), has a
 * stable `code`, and carries the request's `method` and `path`, plus `status` and `requestId`
 * (the `x-request-id` response header) when the server answered. Messages never contain the
 * API key: the transport redacts it from anything the server echoes back.
 */
import { LiumError } from '@lium/errors';

/**
 * Every `code` an `@lium/api` error can carry (see docs/architecture.md for the HTTP status of
 * each): `bad_request` 400/4xx, `unauthenticated` 401, `permission_denied` 403,
 * `insufficient_balance` 403 for money, `not_found` 404, `conflict` 409, `validation_failed` 422,
 * `rate_limited` 429, `server_error` 5xx, `connection_failed` (no usable answer), `timeout`,
 * `aborted`, `invalid_response` (a 2xx body that breaks the contract), `invalid_argument`
 * (refused before sending).
 */
export const API_ERROR_CODES = [
  'bad_request',
  'unauthenticated',
  'permission_denied',
  'insufficient_balance',
  'not_found',
  'conflict',
  'validation_failed',
  'rate_limited',
  'server_error',
  'connection_failed',
  'timeout',
  'aborted',
  'invalid_response',
  'invalid_argument',
] as const;

/** One of {@link API_ERROR_CODES}. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** What every API error carries besides its message: the request and the server's answer. */
export interface LiumApiErrorOptions {
  /** The HTTP method, e.g. `POST`. */
  method: string;
  /** The endpoint path (no base URL, no query string), e.g. `/pods/123`. */
  path: string;
  /** The HTTP status, when the server answered. */
  status?: number | undefined;
  /** The server's request id (`x-request-id`), to quote to support. */
  requestId?: string | undefined;
  /** The parsed error body (JSON) or its text, as the server sent it. */
  body?: unknown;
  /** What to do about it, in one line. */
  hint?: string | undefined;
  /** The underlying error (a network failure, a parse error), when there is one. */
  cause?: unknown;
}

/** The base of every error the API client throws for a request; `code` is an {@link ApiErrorCode}. */
export class LiumApiError extends LiumError<ApiErrorCode> {
  /** The HTTP method of the request, e.g. `GET`. */
  readonly method: string;
  /** The endpoint path (no base URL, no query string). */
  readonly path: string;
  /** The HTTP status when the server answered. */
  readonly status: number | undefined;
  /** The `x-request-id` response header, to quote in a report. */
  readonly requestId: string | undefined;
  /** The parsed error body (JSON) or its text. */
  readonly body: unknown;

  constructor(message: string, code: ApiErrorCode, options: LiumApiErrorOptions) {
    super(message, { code, hint: options.hint, cause: options.cause });
    this.method = options.method;
    this.path = options.path;
    this.status = options.status;
    this.requestId = options.requestId;
    this.body = options.body;
  }
}

/** 400 and any other 4xx without a class of its own. */
export class LiumBadRequestError extends LiumApiError {
  constructor(message: string, options: LiumApiErrorOptions) {
    super(message, 'bad_request', options);
  }
}

/** 401: the API key is missing, wrong or revoked. */
export class LiumAuthenticationError extends LiumApiError {
  constructor(message: string, options: LiumApiErrorOptions) {
    super(message, 'unauthenticated', {
      ...options,
      hint: options.hint ?? 'Check the API key: it may be missing, mistyped or revoked.',
    });
  }
}

/** 403 for any reason but money. */
export class LiumPermissionDeniedError extends LiumApiError {
  constructor(
    message: string,
    options: LiumApiErrorOptions,
    code: ApiErrorCode = 'permission_denied',
  ) {
    super(message, code, options);
  }
}

/** The amounts a 403 for a low balance states, as far as they could be read. */
export interface BalanceAmounts {
  /** What renting requires ("requires at least $Y"). */
  requiredUsd?: number | undefined;
  /** The account balance ("Your balance is $Z"). */
  availableUsd?: number | undefined;
  /** The node's price ("This node costs $X/hour"). */
  hourlyUsd?: number | undefined;
}

/** 403 because the balance is too low; the amounts are parsed from the server's wording. */
export class LiumInsufficientBalanceError extends LiumPermissionDeniedError {
  /** What renting requires, in USD. */
  readonly requiredUsd: number | undefined;
  /** The account balance, in USD. */
  readonly availableUsd: number | undefined;
  /** The node's price, in USD per hour. */
  readonly hourlyUsd: number | undefined;

  constructor(message: string, options: LiumApiErrorOptions & BalanceAmounts) {
    super(
      message,
      {
        ...options,
        hint: options.hint ?? 'Add funds to the Lium account, then retry.',
      },
      'insufficient_balance',
    );
    this.requiredUsd = options.requiredUsd;
    this.availableUsd = options.availableUsd;
    this.hourlyUsd = options.hourlyUsd;
  }
}

/** 404. */
export class LiumNotFoundError extends LiumApiError {
  constructor(message: string, options: LiumApiErrorOptions) {
    super(message, 'not_found', options);
  }
}

/** 409, e.g. another backup or restore is already running (`activeOperationId`). */
export class LiumConflictError extends LiumApiError {
  /** The operation already running, when the server names it. */
  readonly activeOperationId: string | undefined;

  constructor(
    message: string,
    options: LiumApiErrorOptions & { activeOperationId?: string | undefined },
  ) {
    super(message, 'conflict', options);
    this.activeOperationId = options.activeOperationId;
  }
}

/** One field a 422 answer rejected. */
export interface ValidationDetail {
  /** The offending field, e.g. `body.pod_name`, when the server names one. */
  field: string | undefined;
  /** Why it was rejected, in the server's words. */
  message: string;
}

/** 422: the server rejected the request's fields; `details` lists them. */
export class LiumValidationError extends LiumApiError {
  /** The rejected fields. */
  readonly details: ValidationDetail[];

  constructor(message: string, options: LiumApiErrorOptions & { details: ValidationDetail[] }) {
    super(message, 'validation_failed', options);
    this.details = options.details;
  }
}

/** 429. `retryAfterMs` comes from `Retry-After` / `retry-after-ms` when the server sent one. */
export class LiumRateLimitError extends LiumApiError {
  /** How long the server asked to wait, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: LiumApiErrorOptions & { retryAfterMs?: number | undefined },
  ) {
    super(message, 'rate_limited', {
      ...options,
      hint: options.hint ?? `Slow down and try again ${retryIn(options.retryAfterMs)}.`,
    });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** `in 2 minutes` for 120 000 ms; `in a moment` when the server gave no delay (or under 2 s). */
export function retryIn(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 1_500) return 'in a moment';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return `in ${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `in ${minutes} minutes`;
  const hours = Math.ceil(minutes / 60);
  return `in ${hours} hours`;
}

/** 5xx. */
export class LiumServerError extends LiumApiError {
  constructor(message: string, options: LiumApiErrorOptions) {
    super(message, 'server_error', {
      ...options,
      hint:
        options.hint ??
        'The Lium API had a problem; try again later and quote the request id if it persists.',
    });
  }
}

/** No usable answer: DNS, refused or reset connection, TLS, a body cut off mid-way. */
export class LiumConnectionError extends LiumApiError {
  constructor(
    message: string,
    options: LiumApiErrorOptions,
    code: ApiErrorCode = 'connection_failed',
  ) {
    super(message, code, {
      ...options,
      hint: options.hint ?? 'Check your network connection and the API base URL.',
    });
  }
}

/** The per-attempt timeout fired (or the server answered 408). */
export class LiumTimeoutError extends LiumConnectionError {
  constructor(message: string, options: LiumApiErrorOptions) {
    super(
      message,
      {
        ...options,
        hint: options.hint ?? 'Check your network, or raise `timeoutMs` for slow calls.',
      },
      'timeout',
    );
  }
}

/** The caller aborted through an `AbortSignal`. Never retried. */
export class LiumAbortError extends LiumApiError {
  constructor(message: string, options: LiumApiErrorOptions) {
    super(message, 'aborted', options);
  }
}

/** One place where a response broke the documented contract. */
export interface ShapeIssue {
  /** Where the bad value is, e.g. `pods[3].id` (the root is named after the resource). */
  path: string;
  /** What is wrong with the value there. */
  message: string;
}

/** A 2xx answer whose body breaks the documented contract (or is not JSON at all). */
export class LiumResponseShapeError extends LiumApiError {
  /** Every place the body broke the contract. */
  readonly issues: ShapeIssue[];

  constructor(message: string, options: LiumApiErrorOptions & { issues: ShapeIssue[] }) {
    super(message, 'invalid_response', {
      ...options,
      hint:
        options.hint ??
        'The server sent data this client does not understand; update @lium/api, or report it with the request id.',
    });
    this.issues = options.issues;
  }
}

/** A call the client refuses before sending (bad id, missing pay key, unusable API key). */
export class LiumInvalidArgumentError extends LiumError<'invalid_argument'> {
  constructor(message: string, hint?: string) {
    super(message, { code: 'invalid_argument', hint });
  }
}
