const BRAND = Symbol.for('lium.error');

/**
 * The Lium API's address when nothing else is configured. Defined here, in the one package every
 * other depends on, so `@lium/api` (the client's default) and `@lium/config` (the settings'
 * default) re-export the same constant instead of each keeping a copy.
 */
export const DEFAULT_BASE_URL = 'https://lium.io/api';

/**
 * Codes several packages share, so a caller can switch on them whichever package threw:
 * `aborted` (the caller's `AbortSignal` fired; `@lium/api`, `@lium/ssh` and `@lium/sdk` all use it).
 * Each package exports its own full list (`API_ERROR_CODES`, `SSH_ERROR_CODES`, ...).
 */
export const SHARED_ERROR_CODES = ['aborted'] as const;

/** One of {@link SHARED_ERROR_CODES}. */
export type SharedErrorCode = (typeof SHARED_ERROR_CODES)[number];

/** Options of {@link LiumError}; `C` narrows `code` to a package's union of codes. */
export interface LiumErrorOptions<C extends string = string> {
  /** Stable machine-readable code, e.g. `unauthenticated`, `not_found`, `ssh_auth_failed`. */
  code: C;
  /** One short sentence telling the user what to do about it. */
  hint?: string | undefined;
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * The root of every error thrown by an `@lium/*` package.
 *
 * `code` is a stable, machine-readable string (the CLI prints it in `--json` errors and user
 * code may switch on it); `message` is for humans and may change. `hint` says what to do next.
 */
export class LiumError<C extends string = string> extends Error {
  /** Stable machine-readable code; each package narrows it to its own union. */
  readonly code: C;
  /** One short sentence saying what to do next, in the terms of the API that threw. */
  readonly hint: string | undefined;
  /** @internal The brand `isLiumError` checks. */
  declare readonly [BRAND]: true;

  constructor(message: string, options: LiumErrorOptions<C>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.hint = options.hint;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True for any error from an `@lium/*` package, even when two copies of this package are
 * installed side by side (where `instanceof` would fail).
 */
export function isLiumError(value: unknown): value is LiumError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
