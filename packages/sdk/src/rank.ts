/**
 * The one ranking of machines: `lium ls` shows it and `lium up --gpu` rents the first row of its
 * default order, so "the best machine" means the same thing everywhere.
 *
 * Best ({@link BEST_DEFINITION}): the cheapest per GPU-hour of the ★ machines, the ones no other
 * listed machine beats on price and on speed and hardware at once. The default order (`best`)
 * is ★ machines by price, then the rest by price; every other key sorts by that key alone
 * (ties by price, then the API's order).
 */
import type { ExecutorInfo } from './models.ts';
import { paretoFrontier } from './pareto.ts';

/** The keys machines can be ranked by (after the ★ ones). */
export const EXECUTOR_SORT_KEYS = [
  'best',
  'price',
  'price-total',
  'gpus',
  'download',
  'upload',
  'vram',
  'location',
  'id',
] as const;

/**
 * One of {@link EXECUTOR_SORT_KEYS}: `best` is ★ first, each part by $ per GPU-hour; `price` is
 * $ per GPU-hour only, `price-total` $ per hour.
 */
export type ExecutorSortKey = (typeof EXECUTOR_SORT_KEYS)[number];

/** A machine with its place in the ranking. */
export interface RankedExecutor {
  /** The machine. */
  executor: ExecutorInfo;
  /** Whether it is Pareto-optimal (no other machine is better in every respect): the ★. */
  pareto: boolean;
}

function locationOf(executor: ExecutorInfo): string {
  return executor.location.countryCode ?? executor.location.country ?? '';
}

/** What "best" means, in words, for help texts and docs (kept next to the code that does it). */
export const BEST_DEFINITION =
  'Best = the cheapest per GPU-hour among the ★ machines: those no other listed machine beats on price and on download, upload, VRAM, RAM and disk at once (below 100 Mbps download never ★).';

const byPrice = (a: ExecutorInfo, b: ExecutorInfo) => a.pricePerGpuHour - b.pricePerGpuHour;

const COMPARE: Record<
  Exclude<ExecutorSortKey, 'best'>,
  (a: ExecutorInfo, b: ExecutorInfo) => number
> = {
  price: (a, b) => a.pricePerGpuHour - b.pricePerGpuHour,
  'price-total': (a, b) => a.pricePerHour - b.pricePerHour,
  gpus: (a, b) => b.gpuCount - a.gpuCount,
  download: (a, b) => (b.downloadMbps ?? 0) - (a.downloadMbps ?? 0),
  upload: (a, b) => (b.uploadMbps ?? 0) - (a.uploadMbps ?? 0),
  vram: (a, b) => b.specs.vramGb - a.specs.vramGb,
  location: (a, b) => locationOf(a).localeCompare(locationOf(b)),
  id: (a, b) => a.id.localeCompare(b.id),
};

/**
 * Ranks machines by `sort`: `best` (the default) puts ★ machines first, cheapest per GPU-hour
 * first within each part, so row 1 is the best machine; any other key orders by that key alone.
 */
export function rankExecutors(
  executors: readonly ExecutorInfo[],
  options: { sort?: ExecutorSortKey | undefined } = {},
): RankedExecutor[] {
  const optimal = paretoFrontier(executors);
  const sort = options.sort ?? 'best';
  const ranked = executors.map((executor, i) => ({ executor, pareto: optimal[i] === true }));
  if (sort === 'best') {
    return ranked.sort(
      (a, b) => Number(b.pareto) - Number(a.pareto) || byPrice(a.executor, b.executor),
    );
  }
  const compare = COMPARE[sort];
  return ranked.sort((a, b) => compare(a.executor, b.executor) || byPrice(a.executor, b.executor));
}
