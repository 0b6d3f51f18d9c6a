import type { Palette } from './color.ts';

/**
 * A machine's tier for tables: `spot` in the warning colour (a spot pod can be reclaimed by the
 * provider at any time), `secure` plain, `—` when the API does not say.
 */
export function paintTier(tier: string | undefined, c: Palette): string {
  if (!tier) return '—';
  return tier === 'spot' ? c.yellow(tier) : tier;
}
