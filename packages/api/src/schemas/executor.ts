import * as v from 'valibot';
import { opt, optBoolean, optNumber, optString } from './common.ts';

const GpuDetailSchema = v.looseObject({
  name: optString(),
  cuda: opt(v.union([v.string(), v.number()])),
  /** GPU memory in MiB (e.g. 81920). */
  capacity: optNumber(),
  power_limit: optNumber(),
  graphics_speed: optNumber(),
  memory_speed: optNumber(),
  pcie: optNumber(),
  pcie_speed: optNumber(),
  gpu_utilization: optNumber(),
  memory_utilization: optNumber(),
  uuid: optString(),
});

const UsageSchema = v.looseObject({
  total: optNumber(),
  used: optNumber(),
  free: optNumber(),
  available: optNumber(),
  utilization: optNumber(),
});

/** `specs` of an executor; RAM and disk are in KiB, GPU memory in MiB (lium-api.md §2.2.1). */
export const ExecutorSpecsSchema = v.looseObject({
  gpu: opt(
    v.looseObject({
      count: optNumber(),
      driver: optString(),
      cuda_driver: opt(v.union([v.string(), v.number()])),
      details: opt(v.array(GpuDetailSchema)),
    }),
  ),
  cpu: opt(v.looseObject({ count: optNumber(), model: optString(), utilization: optNumber() })),
  ram: opt(UsageSchema),
  hard_disk: opt(UsageSchema),
  network: opt(v.looseObject({ upload_speed: optNumber(), download_speed: optNumber() })),
  os: optString(),
  sysbox_runtime: optBoolean(),
  available_port_count: optNumber(),
});

export const LocationSchema = v.looseObject({
  country: optString(),
  country_code: optString(),
  iso_code: optString(),
  region: optString(),
  region_name: optString(),
  city: optString(),
  zip: optString(),
  lat: optNumber(),
  lon: optNumber(),
  timezone: optString(),
});
export type ExecutorLocation = v.InferOutput<typeof LocationSchema>;

/** The fields of an executor; a pod's embedded executor has the same ones, all optional. */
export const executorEntries = {
  id: v.string(),
  machine_name: v.string(),
  executor_ip_address: optString(),
  /** Current per-GPU $/h; the total is `price_per_gpu × gpu_count`. */
  price_per_gpu: optNumber(),
  /** Total $/h in pre-2025-11 payloads. */
  price_per_hour: optNumber(),
  gpu_count: optNumber(),
  available_gpu_count: optNumber(),
  status: optString(),
  location: opt(LocationSchema),
  validator_hotkey: optString(),
  uptime_in_minutes: optNumber(),
  effective_upload_speed_mbps: optNumber(),
  effective_download_speed_mbps: optNumber(),
  max_cuda_version: optNumber(),
  tier: optString(),
  nvlink: optBoolean(),
  interconnect: opt(v.looseObject({})),
  specs: opt(ExecutorSpecsSchema),
};

/** One rentable node of `GET /executors`. */
export const ExecutorSchema = v.looseObject(executorEntries);
export type Executor = v.InferOutput<typeof ExecutorSchema>;
export type ExecutorSpecs = v.InferOutput<typeof ExecutorSpecsSchema>;

/** `GET /machines`. */
export const MachineSchema = v.looseObject({ name: v.string() });
export type Machine = v.InferOutput<typeof MachineSchema>;

/** `GET /executors/default-docker-image`. */
export const DockerImageSchema = v.looseObject({
  docker_image: v.string(),
  docker_image_tag: optString(),
});
export type DockerImage = v.InferOutput<typeof DockerImageSchema>;

/** `GET /executors/deployment-estimate`. */
export const DeploymentEstimateSchema = v.looseObject({
  estimated_seconds: optNumber(),
  is_slow_machine: optBoolean(),
  warning_message: optString(),
  is_cached_template: optBoolean(),
  docker_image_size: optNumber(),
});
export type DeploymentEstimate = v.InferOutput<typeof DeploymentEstimateSchema>;
