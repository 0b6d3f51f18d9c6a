import { isInsufficientBalance, parseBalanceAmounts, readErrorBody } from './error-body.ts';
import {
  type LiumApiError,
  LiumAuthenticationError,
  LiumBadRequestError,
  LiumConflictError,
  LiumInsufficientBalanceError,
  LiumNotFoundError,
  LiumPermissionDeniedError,
  LiumRateLimitError,
  LiumServerError,
  LiumTimeoutError,
  LiumValidationError,
} from './errors.ts';

export interface FailedResponse {
  method: string;
  path: string;
  status: number;
  statusText: string;
  /** Parsed JSON when the body was JSON, else its text (already redacted). */
  body: unknown;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Maps a non-2xx answer to the matching error class (openai-node's `APIError.generate`). */
export function errorFromResponse(response: FailedResponse): LiumApiError {
  const { method, path, status } = response;
  const info = readErrorBody(response.body);
  const statusText = response.statusText || STATUS_TEXT[status] || '';
  const serverMessage = info.message ?? (status === 404 ? 'resource not found' : undefined);
  const message = `${method} ${path} returned ${status}${statusText ? ` ${statusText}` : ''}${
    serverMessage ? `: ${serverMessage}` : ''
  }`;
  const options = {
    method,
    path,
    status,
    requestId: response.requestId ?? info.requestId,
    body: response.body,
    ...(info.hint ? { hint: info.hint } : {}),
  };

  if (status === 401) return new LiumAuthenticationError(message, options);
  if (status === 403) {
    if (isInsufficientBalance(info)) {
      return new LiumInsufficientBalanceError(message, {
        ...options,
        ...parseBalanceAmounts(info.message ?? ''),
      });
    }
    return new LiumPermissionDeniedError(message, options);
  }
  if (status === 404) return new LiumNotFoundError(message, options);
  if (status === 408) return new LiumTimeoutError(message, options);
  if (status === 409) {
    return new LiumConflictError(message, {
      ...options,
      activeOperationId: info.activeOperationId,
    });
  }
  if (status === 422)
    return new LiumValidationError(message, { ...options, details: info.details });
  if (status === 429) {
    return new LiumRateLimitError(message, { ...options, retryAfterMs: response.retryAfterMs });
  }
  if (status >= 500) return new LiumServerError(message, options);
  return new LiumBadRequestError(message, options);
}
