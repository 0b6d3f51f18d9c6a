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

/** The figures of one machine in the packed array: price, then the five "more" figures. */
const STRIDE = MORE + 1;

/** What a machine is compared on, written at `at` of `into`: the price, then the five others. */
function writeFigures(e: ExecutorInfo, into: Float64Array, at: number): void {
  into[at] = e.pricePerGpuHour > 0 ? e.pricePerGpuHour : Number.POSITIVE_INFINITY;
  into[at + 1] = e.downloadMbps ?? 0;
  into[at + 2] = e.uploadMbps ?? 0;
  into[at + 3] = e.specs.vramGb;
  into[at + 4] = e.specs.ramGb;
  into[at + 5] = e.specs.diskGb;
}

function metricsOf(e: ExecutorInfo): Metrics {
  const figures = new Float64Array(STRIDE);
  writeFigures(e, figures, 0);
  return { price: figures[0] as number, more: Array.from(figures.subarray(1)) };
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
 * The figures of every machine in one flat array, so the hot comparison below reads numbers,
 * not objects: `lium ls` runs it once, on cold code, and one array is all it allocates.
 */
function packedMetrics(executors: readonly ExecutorInfo[]): Float64Array {
  const packed = new Float64Array(executors.length * STRIDE);
  for (let i = 0; i < executors.length; i++) {
    writeFigures(executors[i] as ExecutorInfo, packed, i * STRIDE);
  }
  return packed;
}

/** {@link dominates} on packed figures: does machine `a` dominate machine `b`? */
function dominatesPacked(packed: Float64Array, a: number, b: number): boolean {
  const pa = a * STRIDE;
  const pb = b * STRIDE;
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
 * compares both on random markets). Plain loops over the packed figures: no object or closure
 * per node, since this runs once per process, mostly in the interpreter.
 */
export function paretoFrontier(executors: readonly ExecutorInfo[]): boolean[] {
  const n = executors.length;
  const packed = packedMetrics(executors);
  const totals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 1; k <= MORE; k++) sum += packed[i * STRIDE + k] as number;
    totals[i] = sum;
  }
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort(
    (i, j) =>
      (packed[i * STRIDE] as number) - (packed[j * STRIDE] as number) ||
      (totals[j] as number) - (totals[i] as number),
  );
  const candidates: number[] = [];
  for (let at = 0; at < n; at++) {
    const i = order[at] as number;
    let dominated = false;
    for (let c = 0; c < candidates.length && !dominated; c++) {
      dominated = dominatesPacked(packed, candidates[c] as number, i);
    }
    if (!dominated) candidates.push(i);
  }
  const result: boolean[] = new Array(n).fill(false);
  for (const i of candidates) {
    if ((executors[i]?.downloadMbps ?? 0) < MIN_PARETO_DOWNLOAD_MBPS) continue;
    const ceiling = (packed[i * STRIDE] as number) + PRICE_EPS;
    let dominated = false;
    for (let at = 0; at < n; at++) {
      const j = order[at] as number;
      // In price order: from here on every node is dearer by more than a cent.
      if ((packed[j * STRIDE] as number) > ceiling) break;
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
