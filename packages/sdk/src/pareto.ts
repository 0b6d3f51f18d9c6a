import type { ExecutorInfo } from './models.ts';

/**
 * The ★ marking: a machine is Pareto-optimal when no other listed machine is at least as good
 * on every one of price per GPU-hour (lower is better), download, upload, VRAM, RAM and disk
 * (more is better) and strictly better on one. Machines below 100 Mbps download are never ★.
 *
 * The official CLI (reference Appendix A, [L] `calculate_pareto_frontier`) lets a >10 % faster
 * download dominate whatever the price, so an 8×H100 at $13.28/h lost its ★ to one at
 * $21.84/h and `lium up --gpu H100 --count 8` rented the dearer one (issue #14). Here a cheaper
 * machine is never dominated by a dearer one, so the cheapest machine that is fast enough is
 * always ★, and "the cheapest ★ machine" (what `up --gpu` rents) is the cheapest good one.
 */
export const MIN_PARETO_DOWNLOAD_MBPS = 100;

interface Metrics {
  /** Lower is better. */
  price: number;
  /** More is better, each. */
  more: readonly number[];
}

function metricsOf(e: ExecutorInfo): Metrics {
  return {
    price: e.pricePerGpuHour > 0 ? e.pricePerGpuHour : Number.POSITIVE_INFINITY,
    more: [e.downloadMbps ?? 0, e.uploadMbps ?? 0, e.specs.vramGb, e.specs.ramGb, e.specs.diskGb],
  };
}

/** Within 0.1 % counts as equal, so rounding in the API does not decide. */
function compareMore(a: number, b: number): number {
  const eps = 0.001 * Math.max(Math.abs(a), Math.abs(b));
  return a > b + eps ? 1 : a < b - eps ? -1 : 0;
}

/** Does `a` dominate `b`: at least as good in every respect and better in one? */
function dominates(a: Metrics, b: Metrics): boolean {
  // Prices are cents: a cent apart is a real difference.
  const price = a.price < b.price - 0.005 ? 1 : a.price > b.price + 0.005 ? -1 : 0;
  if (price < 0) return false;
  let better = price > 0;
  for (const [i, mine] of a.more.entries()) {
    const order = compareMore(mine, b.more[i] ?? 0);
    if (order < 0) return false;
    if (order > 0) better = true;
  }
  return better;
}

/**
 * Which nodes are Pareto-optimal: `result[i]` is true when `executors[i]` is not dominated by
 * any other node of the list (the ★ in `lium ls`).
 *
 * Not every pair is compared (1 000 listed machines made that a million comparisons on every
 * `lium ls`): in price order, a node dominated by an earlier candidate is out for good, so only
 * the few candidates left are then checked against every node. Same verdicts as the pairwise
 * definition (pareto.test.ts compares both on random markets).
 */
export function paretoFrontier(executors: readonly ExecutorInfo[]): boolean[] {
  const metrics = executors.map(metricsOf);
  const total = (m: Metrics) => m.more.reduce((sum, value) => sum + value, 0);
  const order = metrics
    .map((_, i) => i)
    .sort((i, j) => {
      const a = metrics[i] as Metrics;
      const b = metrics[j] as Metrics;
      return a.price - b.price || total(b) - total(a);
    });
  const candidates: number[] = [];
  for (const i of order) {
    const mine = metrics[i] as Metrics;
    if (!candidates.some((j) => dominates(metrics[j] as Metrics, mine))) candidates.push(i);
  }
  const result = executors.map(() => false);
  for (const i of candidates) {
    if ((executors[i]?.downloadMbps ?? 0) < MIN_PARETO_DOWNLOAD_MBPS) continue;
    const mine = metrics[i] as Metrics;
    result[i] = !metrics.some((other, j) => i !== j && dominates(other, mine));
  }
  return result;
}

/** The definition itself, every pair compared: what {@link paretoFrontier} must agree with. */
export function paretoFrontierPairwise(executors: readonly ExecutorInfo[]): boolean[] {
  const metrics = executors.map(metricsOf);
  return metrics.map((mine, i) => {
    if ((executors[i]?.downloadMbps ?? 0) < MIN_PARETO_DOWNLOAD_MBPS) return false;
    return !metrics.some((other, j) => i !== j && dominates(other, mine));
  });
}
