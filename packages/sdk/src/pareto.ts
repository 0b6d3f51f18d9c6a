import type { ExecutorInfo } from './models.ts';

/**
 * Pareto "★ optimal" marking, the official CLI's rules (reference Appendix A, [L]
 * `calculate_pareto_frontier`): nodes below 100 Mbps download are never optimal; download
 * speed decides first (more than 10 % faster dominates); at equal price (±$0.01) total
 * bandwidth, US location and upload decide (10 % thresholds), then the remaining hardware
 * metrics; otherwise classic dominance with a 0.1 % tolerance.
 */
export const MIN_PARETO_DOWNLOAD_MBPS = 100;

interface Metrics {
  pricePerGpu: number;
  vramGb: number;
  ramGb: number;
  diskGb: number;
  pcieSpeed: number;
  memorySpeed: number;
  graphicsSpeed: number;
  up: number;
  down: number;
  locationScore: number;
  totalBandwidth: number;
}

/** Hardware metrics compared last, all "more is better". */
const HARDWARE: readonly (keyof Metrics)[] = [
  'vramGb',
  'ramGb',
  'diskGb',
  'pcieSpeed',
  'memorySpeed',
  'graphicsSpeed',
];
const SECONDARY: readonly (keyof Metrics)[] = ['totalBandwidth', 'locationScore', 'up'];
/** Everything but download (decided first) and price (the one metric to minimise). */
const MAXIMISED: readonly (keyof Metrics)[] = [
  ...HARDWARE,
  'up',
  'locationScore',
  'totalBandwidth',
];

function metricsOf(e: ExecutorInfo): Metrics {
  const country = (e.location.country ?? '').toUpperCase();
  const code = (e.location.countryCode ?? '').toUpperCase();
  const up = e.uploadMbps ?? 0;
  const down = e.downloadMbps ?? 0;
  return {
    pricePerGpu: e.pricePerGpuHour > 0 ? e.pricePerGpuHour : Number.POSITIVE_INFINITY,
    vramGb: e.specs.vramGb,
    ramGb: e.specs.ramGb,
    diskGb: e.specs.diskGb,
    pcieSpeed: e.specs.pcieSpeed ?? 0,
    memorySpeed: e.specs.memorySpeed ?? 0,
    graphicsSpeed: e.specs.graphicsSpeed ?? 0,
    up,
    down,
    locationScore: country === 'UNITED STATES' || code === 'US' ? 1 : 0,
    totalBandwidth: up + down,
  };
}

/** Does `a` dominate `b`? */
function dominates(a: Metrics, b: Metrics): boolean {
  const downThreshold = 0.1 * Math.max(a.down, b.down);
  if (a.down > b.down + downThreshold) return true;
  if (b.down > a.down + downThreshold) return false;

  if (Math.abs(a.pricePerGpu - b.pricePerGpu) < 0.01 || a.pricePerGpu === b.pricePerGpu) {
    let better = false;
    for (const key of SECONDARY) {
      const threshold = key === 'locationScore' ? 0 : 0.1 * Math.max(a[key], b[key]);
      if (a[key] > b[key] + threshold) better = true;
      else if (b[key] > a[key] + threshold) return false;
    }
    if (better) return true;
    for (const key of HARDWARE) {
      if (a[key] > b[key]) better = true;
      else if (a[key] < b[key]) return false;
    }
    return better;
  }

  let better = false;
  const priceEps = 0.001 * Math.max(Math.abs(a.pricePerGpu), Math.abs(b.pricePerGpu));
  if (a.pricePerGpu < b.pricePerGpu - priceEps) better = true;
  else if (a.pricePerGpu > b.pricePerGpu + priceEps) return false;
  for (const key of MAXIMISED) {
    const eps = 0.001 * Math.max(Math.abs(a[key]), Math.abs(b[key]));
    if (a[key] > b[key] + eps) better = true;
    else if (a[key] < b[key] - eps) return false;
  }
  return better;
}

/**
 * Which nodes are Pareto-optimal: `result[i]` is true when `executors[i]` is not dominated by
 * any other node of the list (the ★ in `lium ls`).
 *
 * The same answer as checking every pair, without checking every pair. Download is decided
 * first: a node more than 10 % faster dominates outright, and one 10 % slower never can. So,
 * with the nodes sorted by download (fastest first):
 * - the fastest node either dominates a node through download alone, or no node can;
 * - a node that survives that needs only be checked against the nodes no more than about 10 %
 *   slower than itself: a prefix of the sorted list, found by binary search.
 * Sorting is O(n log n); the survivors are the nodes within 10 % of the fastest download, so on
 * a real market the pair checks left are few (all nodes at one speed is the quadratic worst
 * case, and then the answer still matches). Every verdict comes from `dominates` itself, so
 * the tolerances stay exactly the official client's.
 */
export function paretoFrontier(executors: readonly ExecutorInfo[]): boolean[] {
  const metrics = executors.map(metricsOf);
  // The pruning below reasons about finite speeds; anything else gets every pair checked.
  if (!metrics.every((m) => Number.isFinite(m.down))) return pairwise(metrics);
  const result = metrics.map(() => false);
  if (metrics.length === 0) return result;
  // Indices, fastest download first (ties in list order).
  const downs = Float64Array.from(metrics, (m) => m.down);
  const order = metrics
    .map((_, i) => i)
    .sort((a, b) => (downs[b] as number) - (downs[a] as number));
  const fastestIndex = order[0] as number;
  const fastest = metrics[fastestIndex] as Metrics;
  for (const i of order) {
    const mine = metrics[i] as Metrics;
    if (!(mine.down >= MIN_PARETO_DOWNLOAD_MBPS)) continue;
    if (i !== fastestIndex && dominates(fastest, mine)) continue;
    // Only a node with at least 0.9× this download can dominate it (`dominates` returns false
    // below that); 0.89 leaves room for rounding, `dominates` decides.
    const end = prefixAtLeast(order, downs, 0.89 * mine.down);
    let dominated = false;
    for (let k = 0; k < end && !dominated; k++) {
      const j = order[k] as number;
      dominated = j !== i && dominates(metrics[j] as Metrics, mine);
    }
    result[i] = !dominated;
  }
  return result;
}

/** The definition: every node checked against every other (O(n²)). */
export function paretoFrontierPairwise(executors: readonly ExecutorInfo[]): boolean[] {
  return pairwise(executors.map(metricsOf));
}

function pairwise(metrics: readonly Metrics[]): boolean[] {
  return metrics.map((mine, i) => {
    if (mine.down < MIN_PARETO_DOWNLOAD_MBPS) return false;
    return !metrics.some((other, j) => i !== j && dominates(other, mine));
  });
}

/** How many entries of `order` (download descending) have a download of at least `floor`. */
function prefixAtLeast(order: readonly number[], downs: Float64Array, floor: number): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((downs[order[mid] as number] as number) >= floor) low = mid + 1;
    else high = mid;
  }
  return low;
}
