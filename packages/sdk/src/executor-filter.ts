import { extractGpuModel, gpuNameMatches, normalizeGpuName } from './gpu.ts';
import type { ExecutorInfo } from './models.ts';

/** Which executors to keep; every field given must hold, an absent one does not filter. */
export interface ExecutorFilter {
  /** Short (`H100`, `rtx4090`) or full machine name (`NVIDIA H100 80GB HBM3`). */
  gpuType?: string | undefined;
  /** Exactly this many GPUs on the node. */
  gpuCount?: number | undefined;
  /** The most to pay, USD per GPU-hour. */
  maxPricePerGpuHour?: number | undefined;
  /** ISO country code (`US`) or country name, case-insensitive. */
  country?: string | undefined;
  /** Drop nodes whose max CUDA version is unknown or lower. */
  minCudaVersion?: number | undefined;
  /** The least download bandwidth, Mbit/s (executors without a measurement fail it). */
  minDownloadMbps?: number | undefined;
  /** Only nodes with at least this many free external ports. */
  minPorts?: number | undefined;
  /** Only executors of this tier (`spot` or `secure`). */
  tier?: 'spot' | 'secure' | undefined;
}

/**
 * The full machine names a GPU name stands for, from `GET /machines` (reference §2.2.1: the
 * CLI expands `--gpu H100` into `machine_names`). Empty when nothing matches; the caller then
 * sends the user's text verbatim, as the official CLI does.
 */
export function machineNamesFor(gpuType: string, machineNames: readonly string[]): string[] {
  const wanted = normalizeGpuName(gpuType);
  return machineNames.filter(
    (name) =>
      normalizeGpuName(name) === wanted || normalizeGpuName(extractGpuModel(name)) === wanted,
  );
}

/** The filters the API has no parameter for (or that a server might ignore), applied locally. */
export function filterExecutors(
  executors: readonly ExecutorInfo[],
  filter: ExecutorFilter,
): ExecutorInfo[] {
  const country = filter.country?.trim().toUpperCase();
  return executors.filter((e) => {
    if (filter.gpuType !== undefined && !gpuNameMatches(filter.gpuType, e.machineName))
      return false;
    if (filter.gpuCount !== undefined && e.gpuCount !== filter.gpuCount) return false;
    if (filter.maxPricePerGpuHour !== undefined && e.pricePerGpuHour > filter.maxPricePerGpuHour) {
      return false;
    }
    if (
      country &&
      (e.location.countryCode ?? '').toUpperCase() !== country &&
      (e.location.country ?? '').toUpperCase() !== country
    ) {
      return false;
    }
    if (
      filter.minCudaVersion !== undefined &&
      (e.maxCudaVersion === undefined || e.maxCudaVersion < filter.minCudaVersion)
    ) {
      return false;
    }
    if (filter.minDownloadMbps !== undefined && (e.downloadMbps ?? 0) < filter.minDownloadMbps) {
      return false;
    }
    if (filter.minPorts !== undefined && (e.availablePortCount ?? 0) < filter.minPorts)
      return false;
    if (filter.tier !== undefined && e.tier !== filter.tier) return false;
    return true;
  });
}
