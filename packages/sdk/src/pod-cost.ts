/** How long a pod has run and what it has cost, as `lium ps` shows them (reference Appendix A). */

/** The two fields of a `PodInfo` these figures need (declared here: models.ts imports this file). */
export interface PodCostFields {
  /** Creation time as the API sends it (naive UTC or ISO 8601). */
  createdAt?: string | undefined;
  /** $ per hour. */
  pricePerHour: number;
}

/**
 * Milliseconds since the pod was created, or undefined without a creation time. The API sends
 * naive UTC timestamps (no zone): they are read as UTC.
 */
export function podUptimeMs(
  pod: Pick<PodCostFields, 'createdAt'>,
  now: Date = new Date(),
): number | undefined {
  if (!pod.createdAt) return undefined;
  const created = Date.parse(
    /[zZ]|[+-]\d\d:?\d\d$/.test(pod.createdAt) ? pod.createdAt : `${pod.createdAt}Z`,
  );
  return Number.isNaN(created) ? undefined : Math.max(0, now.getTime() - created);
}

/** What the pod has cost so far in $: hours since creation × its price, to the cent. */
export function podSpentUsd(pod: PodCostFields, now: Date = new Date()): number {
  const uptime = podUptimeMs(pod, now);
  return uptime === undefined ? 0 : Math.round((uptime / 3_600_000) * pod.pricePerHour * 100) / 100;
}
