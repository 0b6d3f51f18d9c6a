/**
 * The root of every error thrown by an `@lium/*` package.
 *
 * `code` is a stable, machine-readable string (the CLI prints it in `--json` errors and user
 * code may switch on it); `message` is for humans and may change. `hint` says what to do next.
 */
const BRAND = Symbol.for('lium.error');

/** What every `LiumError` carries besides its message. */
export interface LiumErrorOptions {
  /** Stable machine-readable code, e.g. `unauthenticated`, `not_found`, `ssh_auth_failed`. */
  code: string;
  /** One short sentence telling the user what to do about it. */
  hint?: string | undefined;
  /** The underlying error, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * The base class of every error an `@lium/*` package throws: a human `message`, a stable
 * machine-readable `code` and an optional `hint` saying what to do next.
 */
export class LiumError extends Error {
  /** Stable machine-readable code; switch on this, not on `message`. */
  readonly code: string;
  /** One short sentence telling the user what to do about it, when there is one. */
  readonly hint: string | undefined;
  /** @internal The brand `isLiumError` checks. */
  declare readonly [BRAND]: true;

  /** @param message For people; may change between versions. */
  constructor(message: string, options: LiumErrorOptions) {
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
