/**
 * The emulator's own error for start-up and control mistakes. It has the same shape and brand
 * as `LiumError` from `@lium/errors` (so `isLiumError()` recognises it) without importing it:
 * the emulator stands in for the server and must not share runtime code with the clients.
 */
const BRAND = Symbol.for('lium.error');

export class EmulatorError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(message: string, options: { code: string; hint?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorError';
    this.code = options.code;
    this.hint = options.hint;
    Object.defineProperty(this, BRAND, { value: true });
  }
}
