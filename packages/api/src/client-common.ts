import { LiumInvalidArgumentError } from './errors.ts';
import type { RequestOptions } from './transport.ts';

const VISIBLE_ASCII = /^[\x21-\x7e]*$/;

/** Refuses a key with spaces, line breaks or non-ASCII characters (never repeating the key). */
export function checkKey(name: string, key: string): void {
  if (!VISIBLE_ASCII.test(key)) {
    // The key itself is never repeated: it may be a real secret pasted with a stray newline.
    throw new LiumInvalidArgumentError(
      `The ${name} contains spaces, line breaks or non-ASCII characters`,
      'Copy the key again without surrounding whitespace.',
    );
  }
}

/** Only the per-call fields of request options, whatever else the caller's object holds. */
export function requestOptions(options: RequestOptions): RequestOptions {
  const { signal, timeoutMs, maxRetries } = options;
  return { signal, timeoutMs, maxRetries };
}
