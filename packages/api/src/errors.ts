/**
 * The errors `@lium/api` throws. Every one extends `LiumApiError` (which extends `LiumError`), has a
 * stable `code`, and carries the request's `method` and `path`, plus `status` and `requestId`
 * (the `x-request-id` response header) when the server answered. Messages never contain the
 * API key: the transport redacts it from anything the server echoes back.
 */
import { LiumError } from '@lium/errors';

export interface LiumApiErrorOptions {
  method: string;
  /** The endpoint path (no base URL, no query string), e.g. `/pods/123`. */
  path: string;
  status?: number | undefined;
  requestId?: string | undefined;
  /** The parsed error body (JSON) or its text, as the server sent it. */
  body?: unknown;
  hint?: string | undefined;
  cause?: unknown;
}

export class LiumApiError extends LiumError {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly body: unknown;

  constructor(message: string, code: string, options: LiumApiErrorOptions) {
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
      hint: options.hint ?? 'Check your API key: run `lium init` or set LIUM_API_KEY.',
    });
  }
}

/** 403 for any reason but money. */
export class LiumPermissionDeniedError extends LiumApiError {
  constructor(message: string, options: LiumApiErrorOptions, code = 'permission_denied') {
    super(message, code, options);
  }
}

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
  readonly requiredUsd: number | undefined;
  readonly availableUsd: number | undefined;
  readonly hourlyUsd: number | undefined;

  constructor(message: string, options: LiumApiErrorOptions & BalanceAmounts) {
    super(
      message,
      {
        ...options,
        hint:
          options.hint ??
          'Add funds to your Lium account (`lium fund` or `lium topup`), then retry.',
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
  readonly activeOperationId: string | undefined;

  constructor(
    message: string,
    options: LiumApiErrorOptions & { activeOperationId?: string | undefined },
  ) {
    super(message, 'conflict', options);
    this.activeOperationId = options.activeOperationId;
  }
}

export interface ValidationDetail {
  /** The offending field, e.g. `body.pod_name`, when the server names one. */
  field: string | undefined;
  message: string;
}

/** 422: the server rejected the request's fields; `details` lists them. */
export class LiumValidationError extends LiumApiError {
  readonly details: ValidationDetail[];

  constructor(message: string, options: LiumApiErrorOptions & { details: ValidationDetail[] }) {
    super(message, 'validation_failed', options);
    this.details = options.details;
  }
}

/** 429. `retryAfterMs` comes from `Retry-After` / `retry-after-ms` when the server sent one. */
export class LiumRateLimitError extends LiumApiError {
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: LiumApiErrorOptions & { retryAfterMs?: number | undefined },
  ) {
    super(message, 'rate_limited', {
      ...options,
      hint: options.hint ?? 'Slow down and try again in a moment.',
    });
    this.retryAfterMs = options.retryAfterMs;
  }
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
  constructor(message: string, options: LiumApiErrorOptions, code = 'connection_failed') {
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

export interface ShapeIssue {
  /** Where the bad value is, e.g. `pods[3].id` (the root is named after the resource). */
  path: string;
  message: string;
}

/** A 2xx answer whose body breaks the documented contract (or is not JSON at all). */
export class LiumResponseShapeError extends LiumApiError {
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
export class LiumInvalidArgumentError extends LiumError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'invalid_argument', hint });
  }
}
