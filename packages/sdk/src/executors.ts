/** The marketplace: machine names, executors (filtered and ranked), start-time estimates. */
import type { ExecutorQuery } from '@lium/api';
import type { LiumCore } from './core.ts';
import { LiumUsageError } from './errors.ts';
import { filterExecutors, machineNamesFor } from './executor-filter.ts';
import { type ExecutorInfo, toExecutorInfo } from './models.ts';
import type { CallOptions, ListExecutorsOptions } from './options.ts';
import { rankExecutors } from './rank.ts';
import { resolveText } from './targets.ts';
import { type DeploymentForecast, toDeploymentForecast } from './templates-create.ts';

export async function listMachineNames(core: LiumCore, options?: CallOptions): Promise<string[]> {
  const machines = await (await core.publicApi()).getMachines({ signal: options?.signal });
  return machines.map((m) => m.name).filter((n): n is string => typeof n === 'string');
}

export async function listExecutors(
  core: LiumCore,
  options: ListExecutorsOptions = {},
): Promise<ExecutorInfo[]> {
  const api = await core.publicApi();
  const query: ExecutorQuery = { size: options.size ?? 1000 };
  if (options.gpuType) {
    const names = machineNamesFor(options.gpuType, await listMachineNames(core, options));
    query.machineNames = names.length > 0 ? names : [options.gpuType];
  }
  if (options.gpuCount !== undefined) {
    query.gpuCountGte = options.gpuCount;
    query.gpuCountLte = options.gpuCount;
  }
  query.minDownloadMbps = options.minDownloadMbps;
  if (options.near) {
    query.lat = options.near.lat;
    query.lon = options.near.lon;
    query.maxDistanceMile = options.near.maxDistanceMiles;
  }
  return filterExecutors(
    (await api.getExecutors(query, { signal: options.signal })).map(toExecutorInfo),
    options,
  );
}

export async function bestExecutor(
  core: LiumCore,
  filter: ListExecutorsOptions = {},
): Promise<ExecutorInfo> {
  const [best] = rankExecutors(await listExecutors(core, filter));
  if (!best) {
    throw new LiumUsageError(
      `No ${filter.gpuType ? `${filter.gpuType} ` : ''}machine matches the filter`,
      {
        code: 'no_match',
        hint: 'Loosen the filter (gpuCount, maxPricePerGpuHour, country), or list what exists with listExecutors().',
      },
    );
  }
  return best.executor;
}

export async function getExecutor(
  core: LiumCore,
  idOrHuid: string,
  options?: CallOptions,
): Promise<ExecutorInfo> {
  return resolveText(idOrHuid, await listExecutors(core, options), 'executor');
}

export async function getDeploymentEstimate(
  core: LiumCore,
  executorId: string,
  templateId: string,
  options?: CallOptions,
): Promise<DeploymentForecast> {
  const estimate = await (await core.api()).getDeploymentEstimate(
    { executorId, templateId },
    { signal: options?.signal },
  );
  return toDeploymentForecast(estimate);
}
