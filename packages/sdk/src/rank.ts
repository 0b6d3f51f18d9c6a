/**
 * The one ranking of machines: `lium ls` shows it and `lium up --gpu` rents its first row, so
 * "the best machine" means the same thing everywhere. Pareto-optimal machines (★) come first,
 * then the chosen sort key; ties keep the API's order.
 */
import type { ExecutorInfo } from './models.ts';
import { paretoFrontier } from './pareto.ts';

/** The keys machines can be ranked by (after the ★ ones). */
export const EXECUTOR_SORT_KEYS = [
  'price',
  'price-total',
  'gpus',
  'download',
  'upload',
  'vram',
  'location',
  'id',
] as const;

/** One of {@link EXECUTOR_SORT_KEYS}: `price` is $ per GPU-hour, `price-total` $ per hour. */
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

const COMPARE: Record<ExecutorSortKey, (a: ExecutorInfo, b: ExecutorInfo) => number> = {
  price: (a, b) => a.pricePerGpuHour - b.pricePerGpuHour,
  'price-total': (a, b) => a.pricePerHour - b.pricePerHour,
  gpus: (a, b) => b.gpuCount - a.gpuCount,
  download: (a, b) => (b.downloadMbps ?? 0) - (a.downloadMbps ?? 0),
  upload: (a, b) => (b.uploadMbps ?? 0) - (a.uploadMbps ?? 0),
  vram: (a, b) => b.specs.vramGb - a.specs.vramGb,
  location: (a, b) => locationOf(a).localeCompare(locationOf(b)),
  id: (a, b) => a.id.localeCompare(b.id),
};

/** Ranks machines: ★ first, then by `sort` (default `price`, cheapest per GPU-hour first). */
export function rankExecutors(
  executors: readonly ExecutorInfo[],
  options: { sort?: ExecutorSortKey | undefined } = {},
): RankedExecutor[] {
  const optimal = paretoFrontier(executors);
  const compare = COMPARE[options.sort ?? 'price'];
  return executors
    .map((executor, i) => ({ executor, pareto: optimal[i] === true }))
    .sort((a, b) => Number(b.pareto) - Number(a.pareto) || compare(a.executor, b.executor));
}
