import { CliUsageError } from '../errors.ts';

/**
 * Checks for numeric options. yargs turns `--limit abc` into NaN without a word, which then
 * silently filtered everything out (or in) and exited 0; this throws a usage error (exit 2)
 * before anything is fetched or rented. (Thrown, not returned: yargs passes a returned message
 * on as a bare string, which would not be reported as a usage error.)
 */
export type NumberRule = 'whole-positive' | 'positive';

const describe: Record<NumberRule, string> = {
  'whole-positive': 'a whole number of at least 1',
  positive: 'a number above 0',
};

function fits(value: number, rule: NumberRule): boolean {
  if (!Number.isFinite(value) || value <= 0) return false;
  return rule === 'positive' || Number.isInteger(value);
}

/** A `.check()` function: true, or a usage error for the first option that breaks its rule. */
export function checkNumbers(
  rules: Record<string, NumberRule>,
): (argv: Record<string, unknown>) => true {
  return (argv) => {
    for (const [option, rule] of Object.entries(rules)) {
      const raw = argv[option];
      if (raw === undefined) continue;
      // A repeated option arrives as an array; the last one wins, as for other options.
      const value = Array.isArray(raw) ? raw.at(-1) : raw;
      if (typeof value !== 'number' || !fits(value, rule)) {
        throw new CliUsageError(`--${option} must be ${describe[rule]}, not ${String(value)}`);
      }
    }
    return true;
  };
}
