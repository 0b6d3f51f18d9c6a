/** The bounded fan-out every many-pod call of the SDK goes through. */
import type { LiumCore } from './core.ts';
import type { PodInfo } from './models.ts';
import type { CallOptions, PodOutcome, PodRef } from './options.ts';
import { podOf, stopPod } from './pods.ts';
import { settleEach } from './poll.ts';

/** Pods worked on at once unless the caller says otherwise. */
export const DEFAULT_POD_CONCURRENCY = 8;

/**
 * Runs `work` for every pod, `concurrency` (default 8) at a time; one pod's failure does not stop
 * the others. Outcomes come back in the order of `refs`.
 */
export async function eachPod<T>(
  core: LiumCore,
  refs: readonly PodRef[],
  options: CallOptions & { concurrency?: number | undefined },
  work: (pod: PodInfo) => Promise<T>,
): Promise<PodOutcome<T>[]> {
  const pods = await Promise.all(refs.map((ref) => podOf(core, ref, options)));
  const outcomes = await settleEach(pods, options.concurrency ?? DEFAULT_POD_CONCURRENCY, work);
  return outcomes.map(({ item, ...outcome }) => ({ pod: item, ...outcome }) as PodOutcome<T>);
}

/** Stops many pods, a bounded number at a time; `{ pod, result: true }` or `{ pod, error }` each. */
export function stopPods(
  core: LiumCore,
  refs: readonly PodRef[],
  options: CallOptions & { concurrency?: number | undefined } = {},
): Promise<PodOutcome<true>[]> {
  return eachPod(core, refs, options, async (pod) => {
    await stopPod(core, pod, options);
    return true as const;
  });
}
