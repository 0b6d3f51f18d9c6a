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

/** How many "more is better" figures a machine is compared on. */
const MORE = 5;

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

/** Prices are cents: a cent apart is a real difference. */
const PRICE_EPS = 0.005;

/** Does `a` dominate `b`: at least as good in every respect and better in one? */
function dominates(a: Metrics, b: Metrics): boolean {
  const price = a.price < b.price - PRICE_EPS ? 1 : a.price > b.price + PRICE_EPS ? -1 : 0;
  if (price < 0) return false;
  let better = price > 0;
  for (let i = 0; i < MORE; i++) {
    const order = compareMore(a.more[i] ?? 0, b.more[i] ?? 0);
    if (order < 0) return false;
    if (order > 0) better = true;
  }
  return better;
}

/**
 * The figures of every machine in one flat array (price, then the five "more" figures), so the
 * hot comparison below reads numbers, not objects: `lium ls` runs it once, on cold code.
 */
function packedMetrics(metrics: readonly Metrics[]): Float64Array {
  const packed = new Float64Array(metrics.length * (MORE + 1));
  metrics.forEach((m, i) => {
    const at = i * (MORE + 1);
    packed[at] = m.price;
    for (let k = 0; k < MORE; k++) packed[at + 1 + k] = m.more[k] ?? 0;
  });
  return packed;
}

/** {@link dominates} on packed figures: does machine `a` dominate machine `b`? */
function dominatesPacked(packed: Float64Array, a: number, b: number): boolean {
  const pa = a * (MORE + 1);
  const pb = b * (MORE + 1);
  const priceA = packed[pa] as number;
  const priceB = packed[pb] as number;
  if (priceA > priceB + PRICE_EPS) return false;
  let better = priceA < priceB - PRICE_EPS;
  for (let k = 1; k <= MORE; k++) {
    const x = packed[pa + k] as number;
    const y = packed[pb + k] as number;
    const eps = 0.001 * Math.max(Math.abs(x), Math.abs(y));
    if (x < y - eps) return false;
    if (x > y + eps) better = true;
  }
  return better;
}

/**
 * Which nodes are Pareto-optimal: `result[i]` is true when `executors[i]` is not dominated by
 * any other node of the list (the ★ in `lium ls`).
 *
 * Not every pair is compared (1 000 listed machines made that a million comparisons on every
 * `lium ls`): in price order, a node dominated by an earlier candidate is out for good, so only
 * the few candidates left are then checked, each against the nodes no dearer than itself plus a
 * cent (a dearer node never dominates). Same verdicts as the pairwise definition (pareto.test.ts
 * compares both on random markets).
 */
export function paretoFrontier(executors: readonly ExecutorInfo[]): boolean[] {
  const metrics = executors.map(metricsOf);
  const packed = packedMetrics(metrics);
  const totals = metrics.map((m) => m.more.reduce((sum, value) => sum + value, 0));
  const order = metrics
    .map((_, i) => i)
    .sort(
      (i, j) =>
        (metrics[i] as Metrics).price - (metrics[j] as Metrics).price ||
        (totals[j] as number) - (totals[i] as number),
    );
  const candidates: number[] = [];
  for (const i of order) {
    if (!candidates.some((j) => dominatesPacked(packed, j, i))) candidates.push(i);
  }
  const result = executors.map(() => false);
  for (const i of candidates) {
    if ((executors[i]?.downloadMbps ?? 0) < MIN_PARETO_DOWNLOAD_MBPS) continue;
    const ceiling = (metrics[i] as Metrics).price + PRICE_EPS;
    let dominated = false;
    for (const j of order) {
      // In price order: from here on every node is dearer by more than a cent.
      if ((metrics[j] as Metrics).price > ceiling) break;
      if (j !== i && dominatesPacked(packed, j, i)) {
        dominated = true;
        break;
      }
    }
    result[i] = !dominated;
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
