import { isLiumError } from '@lium/errors';
import type { GlobalArgs } from './context.ts';
import type { CliIO } from './io.ts';

/**
 * A refused API key that came from LIUM_API_KEY (no --api-key): say so, because that variable
 * overrides the key in ~/.lium/config.ini, and a stale export is the usual cause. The error
 * itself is kept (its class, status and code stay what `--json` and `--debug` report).
 */
export function explainRefusedKey(
  error: unknown,
  env: CliIO['env'],
  globals: Pick<GlobalArgs, 'apiKey'>,
): unknown {
  if (!isLiumError(error) || error.code !== 'unauthenticated') return error;
  if (globals.apiKey !== undefined || !env.LIUM_API_KEY) return error;
  error.message = `${error.message} (the key came from LIUM_API_KEY, which overrides ~/.lium/config.ini: unset it to use the configured key)`;
  return error;
}
