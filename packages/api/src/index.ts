export {
  DEFAULT_BASE_URL,
  DEFAULT_PAY_BASE_URL,
  type ExecutorQuery,
  LiumAPIClient,
  type LiumAPIClientOptions,
  type PodLogQuery,
  type WalletVerificationInput,
} from './client.ts';
export { type ErrorBodyInfo, parseBalanceAmounts, readErrorBody } from './error-body.ts';
export {
  API_ERROR_CODES,
  type ApiErrorCode,
  type BalanceAmounts,
  LiumAbortError,
  LiumApiError,
  type LiumApiErrorOptions,
  LiumAuthenticationError,
  LiumBadRequestError,
  LiumConflictError,
  LiumConnectionError,
  LiumInsufficientBalanceError,
  LiumInvalidArgumentError,
  LiumNotFoundError,
  LiumPermissionDeniedError,
  LiumRateLimitError,
  LiumResponseShapeError,
  LiumServerError,
  LiumTimeoutError,
  LiumValidationError,
  retryIn,
  type ShapeIssue,
  type ValidationDetail,
} from './errors.ts';
export type { FetchLike, FetchLikeInit, FetchLikeResponse } from './fetch-like.ts';
export { parseLogLine } from './log-stream.ts';
export {
  LiumPayClient,
  type LiumPayClientOptions,
} from './pay-client.ts';
export {
  convertUsdToTao,
  type PayApiOptions,
  type TaoConversion,
  TaoConversionSchema,
} from './pay-conversion.ts';
export { isLostAnswer, mayHaveRented, type RentPodInput, type RentResult } from './rent.ts';
export * from './schemas/account.ts';
export * from './schemas/backup.ts';
export * from './schemas/docker-credential.ts';
export * from './schemas/executor.ts';
export * from './schemas/funding.ts';
export * from './schemas/pod.ts';
export * from './schemas/ssh-key.ts';
export * from './schemas/template.ts';
export * from './schemas/user.ts';
export * from './schemas/volume.ts';
export { sleep } from './sleep.ts';
export type { TemplateInput } from './template-input.ts';
export type { RequestEvent, RequestOptions, ResponseEvent } from './transport.ts';
export { CLIENT_VERSION } from './version.ts';
