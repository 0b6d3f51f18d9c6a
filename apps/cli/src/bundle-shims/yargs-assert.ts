/**
 * What yargs' ESM build imports from `assert` (its internal checks), for our bundle only (see
 * tsdown.config.ts): the same verdicts, thrown as a plain Error. `node:assert` costs ~5 ms to
 * load at every start, and its AssertionError formats both values when a check fails, which
 * yargs makes happen at every start (it looks for a package.json, finds none, and catches).
 */
export function notStrictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (Object.is(actual, expected)) {
    throw new Error(message ?? 'Expected the values to be strictly unequal');
  }
}

export function strictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) {
    throw new Error(message ?? 'Expected the values to be strictly equal');
  }
}
