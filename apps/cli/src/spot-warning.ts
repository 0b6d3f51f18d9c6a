import type { ExecutorInfo } from '@lium/sdk';

/** What `lium up` says before asking when a machine is spot: its pod can be reclaimed. */
export function spotWarning(executors: readonly ExecutorInfo[]): string | undefined {
  const spot = executors.filter((executor) => executor.tier === 'spot');
  if (spot.length === 0) return undefined;
  const which =
    executors.length === 1 ? 'A spot machine' : `${spot.length} of ${executors.length} are spot`;
  return `${which}: the provider can reclaim a spot pod at any time.`;
}
