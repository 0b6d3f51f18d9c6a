import { isLiumError } from '@lium/errors';
import { CliError } from './errors.ts';

/**
 * A rent refused with 404 ("Executor not found"): the machine left the market since it was
 * listed. The same error, with a hint that says so and what to do (`hint`).
 */
export function explainRentNotFound(error: unknown, hint: string): unknown {
  if (!(isLiumError(error) && error.code === 'not_found')) return error;
  if ((error as { status?: unknown }).status !== 404) return error;
  return new CliError(error.message, { code: 'not_found', hint, cause: error });
}
