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
 */
export function paretoFrontier(executors: readonly ExecutorInfo[]): boolean[] {
  const metrics = executors.map(metricsOf);
  return metrics.map((mine, i) => {
    if (mine.down < MIN_PARETO_DOWNLOAD_MBPS) return false;
    return !metrics.some((other, j) => i !== j && dominates(other, mine));
  });
}
