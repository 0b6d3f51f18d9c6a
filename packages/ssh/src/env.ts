import { LiumSshError } from './errors.ts';
import { printfFormat } from './shell-quote.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One line of shell that exports every variable with its exact value. The line is sent over the
 * channel's stdin (never in the remote argv) and `eval`ed by the exec prelude. Values go through
 * `printf` with octal escapes plus a trailing `x` so even trailing newlines survive `$(…)`.
 */
export function envAssignments(env: Record<string, string> | undefined): string {
  if (!env) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw new LiumSshError(`Invalid environment variable name ${JSON.stringify(name)}`, {
        code: 'env_invalid',
        hint: 'Names must match [A-Za-z_][A-Za-z0-9_]*.',
      });
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new LiumSshError(`The value of ${name} must be a string without NUL bytes`, {
        code: 'env_invalid',
      });
    }
    parts.push(`__lium_v=$(printf '${printfFormat(value)}x'); export ${name}="\${__lium_v%x}"`);
  }
  if (parts.length > 0) parts.push('unset __lium_v');
  return parts.join('; ');
}
