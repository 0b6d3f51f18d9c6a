import type { Palette } from './color.ts';

/** Pod status in its colour: running green, on the way yellow, broken red. */
export function paintStatus(status: string, c: Palette): string {
  const upper = status.toUpperCase();
  if (upper === 'RUNNING') return c.green(upper);
  if (['PENDING', 'STARTING', 'REBOOT_PENDING', 'DELETING'].includes(upper)) return c.yellow(upper);
  if (upper.includes('FAIL') || ['ERROR', 'BROKEN', 'STOPPED'].includes(upper)) return c.red(upper);
  return upper;
}
