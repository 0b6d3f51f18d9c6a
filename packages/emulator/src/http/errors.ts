/**
 * Errors a route throws to answer with a non-2xx status. The body follows the reference
 * (§1.4): FastAPI's `{"detail": ...}` (or `{"message": ...}` where the real server uses it),
 * plus the newest platform envelope `{"error": {code, message, hint, request_id}}`, which
 * clients tolerate as an extra key (§7).
 */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
  input?: unknown;
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  /** The body's main key: FastAPI `detail`, or `message` for the 400s the reference shows so. */
  readonly shape: 'detail' | 'message';
  readonly detail: string | ValidationIssue[] | Record<string, unknown>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    detail: string | ValidationIssue[] | Record<string, unknown>,
    options: {
      hint?: string;
      shape?: 'detail' | 'message';
      headers?: Record<string, string>;
    } = {},
  ) {
    super(typeof detail === 'string' ? detail : code);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.hint = options.hint;
    this.shape = options.shape ?? 'detail';
    this.headers = options.headers ?? {};
  }
}

export function errorBody(error: HttpError, requestId: string): Record<string, unknown> {
  const message =
    typeof error.detail === 'string'
      ? error.detail
      : Array.isArray(error.detail)
        ? (error.detail[0]?.msg ?? 'Validation failed')
        : String((error.detail as { message?: unknown }).message ?? error.code);
  return {
    [error.shape]: error.detail,
    error: {
      code: error.code,
      message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      request_id: requestId,
    },
  };
}

export const notFound = (what: string): HttpError =>
  new HttpError(404, 'not_found', `${what} not found`, {
    hint: `Check the ${what.toLowerCase()} id; list them to see which exist.`,
  });

export const badRequest = (message: string, hint?: string): HttpError =>
  new HttpError(400, 'bad_request', message, hint === undefined ? {} : { hint });

export const validationError = (issues: ValidationIssue[]): HttpError =>
  new HttpError(422, 'validation_failed', issues, {
    hint: 'Fix the request fields named in `detail[].loc`.',
  });
