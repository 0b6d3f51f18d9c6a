import { LiumInvalidArgumentError } from './errors.ts';

/**
 * Builds an endpoint path, percent-encoding every interpolated value (openai-node's `path`
 * helper): `path\`/pods/${id}\`` can never be turned into another endpoint by an id such as
 * `../ssh-keys` or `x?y`. Empty values and `.`/`..` are refused.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((result, literal, index) => {
    if (index === 0) return literal;
    const value = String(values[index - 1]);
    if (value === '' || value === '.' || value === '..') {
      throw new LiumInvalidArgumentError(
        `Invalid path parameter ${JSON.stringify(value)} in ${strings.join('{…}')}`,
        'Pass the id of an existing resource.',
      );
    }
    return result + encodeURIComponent(value) + literal;
  }, '');
}
