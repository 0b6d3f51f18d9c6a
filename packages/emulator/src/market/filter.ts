import { Validator } from '../http/validate.ts';
import type { Executor } from './executor.ts';

/** The server-side filters of `GET /executors` (reference §2.2.1). */
export interface ExecutorQuery {
  size?: number;
  machineNames?: string[];
  gpuCountGte?: number;
  gpuCountLte?: number;
  lat?: number;
  lon?: number;
  maxDistanceMile?: number;
  pricePerHourGte?: number;
  pricePerHourLte?: number;
  nvlink?: boolean;
  minDownloadMbps?: number;
}

/** Reads the query string; bad numbers answer 422 like FastAPI. */
export function parseExecutorQuery(params: URLSearchParams): ExecutorQuery {
  const v = new Validator('query', Object.fromEntries(params));
  const names = params.get('machine_names');
  const query: ExecutorQuery = {};
  const set = <K extends keyof ExecutorQuery>(
    key: K,
    value: ExecutorQuery[K] | undefined,
  ): void => {
    if (value !== undefined) query[key] = value;
  };
  set('size', v.int('size', { min: 1 }));
  set('gpuCountGte', v.int('gpu_count_gte'));
  set('gpuCountLte', v.int('gpu_count_lte'));
  set('lat', v.number('lat', { min: -90, max: 90 }));
  set('lon', v.number('lon', { min: -180, max: 180 }));
  set('maxDistanceMile', v.number('max_distance_mile', { min: 0 }));
  set('pricePerHourGte', v.number('price_per_hour_gte'));
  set('pricePerHourLte', v.number('price_per_hour_lte'));
  set('nvlink', v.bool('nvlink'));
  set('minDownloadMbps', v.number('min_download_mbps'));
  v.done();
  if (names !== null && names.trim() !== '') {
    query.machineNames = names
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
  }
  return query;
}

export function filterExecutors(executors: Iterable<Executor>, query: ExecutorQuery): Executor[] {
  const names = query.machineNames === undefined ? undefined : new Set(query.machineNames);
  const geo =
    query.lat !== undefined && query.lon !== undefined && query.maxDistanceMile !== undefined
      ? { lat: query.lat, lon: query.lon, miles: query.maxDistanceMile }
      : undefined;
  const out: Executor[] = [];
  for (const e of executors) {
    if (names !== undefined && !names.has(e.machine_name)) continue;
    if (query.gpuCountGte !== undefined && e.gpu_count < query.gpuCountGte) continue;
    if (query.gpuCountLte !== undefined && e.gpu_count > query.gpuCountLte) continue;
    // `price_per_hour_*` bound the node's total $/h, as the [S] filter model named it.
    if (query.pricePerHourGte !== undefined && e.price_per_hour < query.pricePerHourGte) continue;
    if (query.pricePerHourLte !== undefined && e.price_per_hour > query.pricePerHourLte) continue;
    if (query.nvlink === true && !e.nvlink) continue;
    if (
      query.minDownloadMbps !== undefined &&
      e.effective_download_speed_mbps < query.minDownloadMbps
    )
      continue;
    if (
      geo !== undefined &&
      distanceMiles(geo.lat, geo.lon, e.location.lat, e.location.lon) > geo.miles
    )
      continue;
    out.push(e);
    if (query.size !== undefined && out.length >= query.size) break;
  }
  return out;
}

const EARTH_RADIUS_MILES = 3958.8;

/** Great-circle (haversine) distance in statute miles. */
export function distanceMiles(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(a)));
}
