import { isLiumError } from '@lium/errors';
import type { GlobalArgs } from './context.ts';
import { CliError } from './errors.ts';
import type { CliIO } from './io.ts';

/**
 * A refused API key that came from LIUM_API_KEY (no --api-key): say so, because that variable
 * overrides the key in ~/.lium/config.ini, and a stale export is the usual cause.
 */
export function explainRefusedKey(
  error: unknown,
  env: CliIO['env'],
  globals: Pick<GlobalArgs, 'apiKey'>,
): unknown {
  if (!isLiumError(error) || error.code !== 'unauthenticated') return error;
  if (globals.apiKey !== undefined || !env.LIUM_API_KEY) return error;
  return new CliError(
    `${error.message} (the key came from LIUM_API_KEY, which overrides ~/.lium/config.ini)`,
    {
      code: 'unauthenticated',
      hint: 'Unset LIUM_API_KEY to use the key in config.ini, or export a valid one (`lium init` saves a new key).',
      cause: error,
    },
  );
}
