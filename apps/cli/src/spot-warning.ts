import type { ExecutorInfo } from '@lium/sdk';

/** What `lium up` says before asking when a machine is spot: its pod can be reclaimed. */
export function spotWarning(executors: readonly ExecutorInfo[]): string | undefined {
  const spot = executors.filter((executor) => executor.tier === 'spot');
  if (spot.length === 0) return undefined;
  const which =
    executors.length === 1 ? 'This is a spot machine' : `${spot.length} of these are spot machines`;
  return `${which}: the provider can reclaim a spot pod at any time. Keep work in a volume or pull it often.`;
}
