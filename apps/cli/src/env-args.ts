import { CliUsageError } from './errors.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `--env K=V` values into a record. The value may hold anything (even `=`); the name must be
 * a shell variable name. The value is never echoed back in an error.
 */
export function parseEnvArgs(values: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (eq === -1 || !ENV_NAME.test(name)) {
      throw new CliUsageError(
        `Malformed --env "${eq === -1 ? item : `${name}=…`}": expected NAME=VALUE`,
        'Names are letters, digits and _ (not starting with a digit), e.g. --env BATCH=32.',
      );
    }
    env[name] = item.slice(eq + 1);
  }
  return env;
}

/** A repeatable option's value (absent, once, or several times) as a list. */
export function asList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}
