import * as v from 'valibot';
import {
  fastLooseObject,
  opt,
  optBoolean,
  optNumber,
  optString,
  optStringOrNumber,
} from './common.ts';

const GpuDetailSchema = fastLooseObject({
  name: optString(),
  cuda: optStringOrNumber(),
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

const UsageSchema = fastLooseObject({
  total: optNumber(),
  used: optNumber(),
  free: optNumber(),
  available: optNumber(),
  utilization: optNumber(),
});

/** `specs` of an executor; RAM and disk are in KiB, GPU memory in MiB (lium-api.md §2.2.1). */
export const ExecutorSpecsSchema = fastLooseObject({
  gpu: opt(
    fastLooseObject({
      count: optNumber(),
      driver: optString(),
      cuda_driver: optStringOrNumber(),
      details: opt(v.array(GpuDetailSchema)),
    }),
  ),
  cpu: opt(fastLooseObject({ count: optNumber(), model: optString(), utilization: optNumber() })),
  ram: opt(UsageSchema),
  hard_disk: opt(UsageSchema),
  network: opt(fastLooseObject({ upload_speed: optNumber(), download_speed: optNumber() })),
  os: optString(),
  sysbox_runtime: optBoolean(),
  available_port_count: optNumber(),
});

/** `location` of an executor: where the node is, as far as the API knows (all fields optional). */
export const LocationSchema = fastLooseObject({
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
/** What {@link LocationSchema} validates: where a node is, as far as the API knows. */
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
  interconnect: opt(fastLooseObject({})),
  specs: opt(ExecutorSpecsSchema),
};

/** One rentable node of `GET /executors`. */
export const ExecutorSchema = fastLooseObject(executorEntries);
/** What {@link ExecutorSchema} validates: one rentable node of `GET /executors`. */
export type Executor = v.InferOutput<typeof ExecutorSchema>;
/**
 * What {@link ExecutorSpecsSchema} validates: `specs` of an executor; RAM and disk are in KiB, GPU
 * memory in MiB (lium-api.md §2.2.1).
 */
export type ExecutorSpecs = v.InferOutput<typeof ExecutorSpecsSchema>;

/** `GET /machines`. */
export const MachineSchema = v.looseObject({ name: v.string() });
/** What {@link MachineSchema} validates: `GET /machines`. */
export type Machine = v.InferOutput<typeof MachineSchema>;

/** `GET /executors/default-docker-image`. */
export const DockerImageSchema = v.looseObject({
  docker_image: v.string(),
  docker_image_tag: optString(),
});
/** What {@link DockerImageSchema} validates: `GET /executors/default-docker-image`. */
export type DockerImage = v.InferOutput<typeof DockerImageSchema>;

/** `GET /executors/deployment-estimate`. */
export const DeploymentEstimateSchema = v.looseObject({
  estimated_seconds: optNumber(),
  is_slow_machine: optBoolean(),
  warning_message: optString(),
  is_cached_template: optBoolean(),
  docker_image_size: optNumber(),
});
/** What {@link DeploymentEstimateSchema} validates: `GET /executors/deployment-estimate`. */
export type DeploymentEstimate = v.InferOutput<typeof DeploymentEstimateSchema>;
