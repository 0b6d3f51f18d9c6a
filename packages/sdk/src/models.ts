/**
 * The SDK's results: camelCase models converted once, by typed property access, from the wire
 * types `@lium/api` has already validated and normalised (numbers are numbers, `ports_mapping` a
 * record, absent and null both `undefined`). Each model keeps the server's object as `raw`.
 */
import type {
  Executor,
  ExecutorLocation,
  Pod,
  PodExecutor,
  PodTemplate,
  Template,
  Volume,
} from '@lium/api';
import { parseSshConnectCmd } from '@lium/ssh/target';
import { extractGpuModel } from './gpu.ts';
import { generateHumanId } from './huid.ts';
import { podSpentUsd, podUptimeMs } from './pod-cost.ts';

/** Where a node is, as far as the API says. */
export interface LocationInfo {
  /** Country name; undefined when the API did not say. */
  country: string | undefined;
  /** ISO country code (`country_code`, else `iso_code`); undefined when absent. */
  countryCode: string | undefined;
  /** Region (`region_name`, else `region`); undefined when absent. */
  region: string | undefined;
  /** City; undefined when the API did not say. */
  city: string | undefined;
  /** Latitude in degrees; undefined when absent. */
  lat: number | undefined;
  /** Longitude in degrees; undefined when absent. */
  lon: number | undefined;
}

/** Hardware of a node in human units (GB, not the API's MiB/KiB). */
export interface ExecutorSpecs {
  /** Memory of one GPU in GB (API: MiB). */
  vramGb: number;
  /** Memory of all GPUs together, GB. */
  totalVramGb: number;
  /** System RAM in GB (API: KiB). */
  ramGb: number;
  /** Disk in GB (API: KiB). */
  diskGb: number;
  /** Number of CPU cores; undefined when the API did not say. */
  cpuCount: number | undefined;
  /** CPU model name; undefined when the API did not say. */
  cpuModel: string | undefined;
  /** Full name of the first GPU (e.g. `NVIDIA H100 80GB HBM3`); empty when absent. */
  gpuModel: string;
  /** NVIDIA driver version; empty when absent. */
  driverVersion: string;
  /** The first GPU's PCIe speed as the node reports it; undefined when absent. */
  pcieSpeed: number | undefined;
  /** The first GPU's memory clock as the node reports it; undefined when absent. */
  memorySpeed: number | undefined;
  /** The first GPU's graphics clock as the node reports it; undefined when absent. */
  graphicsSpeed: number | undefined;
}

/** A rentable node, in camelCase with derived fields; `raw` is the server's object. */
export interface ExecutorInfo {
  /** Executor id (a UUID), what rent calls take. */
  id: string;
  /** Human-readable id derived from `id` (`word-word-xx`), stable across calls. */
  huid: string;
  /** Machine name as the API sends it (e.g. `8x NVIDIA H100 80GB HBM3`); empty when absent. */
  machineName: string;
  /** Short GPU name, e.g. `H100` (from the machine name, else the first GPU's name). */
  gpuType: string;
  /** GPUs on the node: `gpu_count`, else `specs.gpu.count`, else the GPU detail rows, else 1. */
  gpuCount: number;
  /** GPUs free on a partially rented host, when the API says so. */
  availableGpuCount: number | undefined;
  /** USD per hour for the whole node (`price_per_gpu` × `gpuCount` when the API sends per-GPU prices). */
  pricePerHour: number;
  /** USD per GPU-hour (derived from the total on older payloads). */
  pricePerGpuHour: number;
  /** Where the node is; fields undefined when the API did not say. */
  location: LocationInfo;
  /** Hardware in human units. */
  specs: ExecutorSpecs;
  /** Status as the API sends it; `unknown` when absent. */
  status: string;
  /** Public IP address of the node; undefined when absent. */
  ip: string | undefined;
  /** `spot` or `secure`. */
  tier: string | undefined;
  /** Highest CUDA version the node supports (e.g. `12.4`); undefined when absent. */
  maxCudaVersion: number | undefined;
  /** Upload speed in Mbit/s (measured by the backend, else self-reported); undefined when absent. */
  uploadMbps: number | undefined;
  /** Download speed in Mbit/s (measured by the backend, else self-reported); undefined when absent. */
  downloadMbps: number | undefined;
  /** Ports left to map on the node (`specs.available_port_count`); undefined when absent. */
  availablePortCount: number | undefined;
  /** True when the node supports docker-in-docker (`specs.sysbox_runtime`); false when absent. */
  dockerInDocker: boolean;
  /** Node's uptime in minutes; undefined when absent. */
  uptimeMinutes: number | undefined;
  /** The server's object: a `GET /executors` row, or the executor embedded in a pod row. */
  raw: Executor | PodExecutor;
}

/** A template (Docker image plus ports and volumes) pods start from; `raw` is the server's object. */
export interface TemplateInfo {
  /** Template id (a UUID). */
  id: string;
  /** Human-readable id derived from `id` (`word-word-xx`). */
  huid: string;
  /** Template name. */
  name: string;
  /** Docker image without the tag, e.g. `pytorch/pytorch`. */
  dockerImage: string;
  /** Docker image tag; `latest` when the API sent none. */
  dockerImageTag: string;
  /** Category as the API sends it; undefined when absent. */
  category: string | undefined;
  /** Verification status as the API sends it; undefined when absent. */
  status: string | undefined;
  /** True for a template only its owner sees; undefined when the API did not say. */
  isPrivate: boolean | undefined;
  /** Owner's user id; undefined for templates without one. */
  userId: string | undefined;
  /** Container ports the template exposes; empty when none. */
  internalPorts: number[];
  /** Container paths the template declares as volumes; empty when none. */
  volumes: string[];
  /** The server's `GET /templates` row. */
  raw: Template;
}

/** The template as attached to a pod (a subset; pods embed the full template object). */
export interface PodTemplateInfo {
  /** Template id; undefined when the pod row did not carry it. */
  id: string | undefined;
  /** Template name; undefined when absent. */
  name: string | undefined;
  /** Docker image without the tag; undefined when absent. */
  dockerImage: string | undefined;
  /** Docker image tag; undefined when absent (no `latest` default here). */
  dockerImageTag: string | undefined;
  /** Container paths declared as volumes; empty when none. */
  volumes: string[];
  /** Container ports the template exposes; empty when none. */
  internalPorts: number[];
}

/** A rented pod, in camelCase with derived fields; `raw` is the server's object. */
export interface PodInfo {
  /** Pod id (a UUID). */
  id: string;
  /** Pod name (`pod_name`), as given at rent time. */
  name: string;
  /** Status upper-cased, e.g. `RUNNING`, `PENDING`. */
  status: string;
  /** Human-readable id derived from `id` (`word-word-xx`). */
  huid: string;
  /** `ssh root@1.2.3.4 -p 2222` once the pod is reachable, else null. */
  sshCmd: string | null;
  /** Internal port → external port on the node's IP, e.g. `{ "22": 34567 }`. */
  ports: Record<string, number>;
  /** Creation time, ISO 8601 as the API sends it; undefined when absent. */
  createdAt: string | undefined;
  /** Last update time, ISO 8601 as the API sends it; undefined when absent. */
  updatedAt: string | undefined;
  /** The node the pod runs on; null when the pod row did not embed it. */
  executor: ExecutorInfo | null;
  /** The template the pod was started from; null when the pod row did not embed it. */
  template: PodTemplateInfo | null;
  /** Short GPU name (the executor's, else from `gpu_name`); `Unknown` when neither is known. */
  gpuType: string;
  /** GPUs this pod is billed for (may be fewer than the host has). */
  gpuCount: number;
  /** USD per hour billed for the pod (`price`, else the executor's per-GPU price × `gpuCount`). */
  pricePerHour: number;
  /** USD per GPU-hour: `pricePerHour` / `gpuCount`. */
  pricePerGpuHour: number;
  /** When the pod is scheduled to be removed, ISO 8601; null when no removal is scheduled. */
  removalScheduledAt: string | null;
  /** Progress of a Jupyter install as the API sends it; null when none was asked for. */
  jupyterInstallationStatus: string | null;
  /** URL of the Jupyter server once installed; null otherwise. */
  jupyterUrl: string | null;
  /** The persistent volume attached to the pod (`volume_id`); null when none is. */
  volumeId: string | null;
  /** That volume's HUID (as `lium volumes` shows it); null when none is attached. */
  volumeHuid: string | null;
  /** Creation step while pending (`pulling image`, …). */
  phase: string | undefined;
  /** Server estimate of seconds until the pod is ready, while pending; undefined when absent. */
  estimatedReadySeconds: number | undefined;
  /** The host from the SSH command, else the node's IP. */
  host: string | undefined;
  /** Milliseconds since creation, when the pod was read (`podUptimeMs(pod, now)` for another time). */
  uptimeMs: number | undefined;
  /** $ spent so far, when the pod was read (`podSpentUsd(pod, now)` for another time). */
  spentUsd: number;
  /** The server's `GET /pods` row. */
  raw: Pod;
}

const MIB_PER_GB = 1024;
const KIB_PER_GB = 1024 * 1024;

/**
 * GB from a KiB figure. The official CLI treats small numbers (< 8192) as already being GiB,
 * because some nodes report them that way (lium-api.md §2.2.1, [L] `_maybe_gi_from_big_number`).
 */
function gbFromKib(kib: number | undefined): number {
  if (kib === undefined || kib <= 0) return 0;
  return kib < 8192 ? kib : kib / KIB_PER_GB;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

type ExecutorWire = Executor | PodExecutor;

/**
 * GPUs on a node: the top-level `gpu_count`, then `specs.gpu.count`, then the number of GPU
 * detail rows, then 1 (lium-api.md §6.18: defaulting straight to 1 priced 8-GPU nodes as one).
 */
export function executorGpuCount(wire: Executor | PodExecutor): number {
  if (wire.gpu_count !== undefined && wire.gpu_count > 0) return wire.gpu_count;
  const gpu = wire.specs?.gpu;
  if (gpu?.count !== undefined && gpu.count > 0) return gpu.count;
  if (gpu?.details && gpu.details.length > 0) return gpu.details.length;
  return 1;
}

function toLocation(loc: ExecutorLocation | undefined): LocationInfo {
  return {
    country: loc?.country,
    countryCode: loc?.country_code ?? loc?.iso_code,
    region: loc?.region_name ?? loc?.region,
    city: loc?.city,
    lat: loc?.lat,
    lon: loc?.lon,
  };
}

function toSpecs(specs: ExecutorWire['specs'], gpuCount: number): ExecutorSpecs {
  const gpu = specs?.gpu;
  const first = gpu?.details?.[0];
  const vramGb = round((first?.capacity ?? 0) / MIB_PER_GB, 1);
  return {
    vramGb,
    totalVramGb: round(vramGb * gpuCount, 1),
    ramGb: round(gbFromKib(specs?.ram?.total), 1),
    diskGb: round(gbFromKib(specs?.hard_disk?.total), 1),
    cpuCount: specs?.cpu?.count,
    cpuModel: specs?.cpu?.model,
    gpuModel: first?.name ?? '',
    driverVersion: gpu?.driver ?? '',
    pcieSpeed: first?.pcie_speed,
    memorySpeed: first?.memory_speed,
    graphicsSpeed: first?.graphics_speed,
  };
}

/**
 * Per-GPU and total price. Since 2025-11 the API sends `price_per_gpu` and the total is
 * `price_per_gpu × gpu_count`; older payloads send only the total `price_per_hour`.
 */
function toPrices(wire: ExecutorWire, gpuCount: number): { perGpu: number; total: number } {
  const perGpu = wire.price_per_gpu;
  if (perGpu !== undefined) return { perGpu, total: round(perGpu * gpuCount, 4) };
  const total = wire.price_per_hour ?? 0;
  return { perGpu: round(total / gpuCount, 4), total };
}

/** A `GET /executors` row (or the executor embedded in a pod row) as an {@link ExecutorInfo}. */
export function toExecutorInfo(executor: Executor | PodExecutor): ExecutorInfo {
  const machineName = executor.machine_name ?? '';
  const gpuCount = executorGpuCount(executor);
  const specs = toSpecs(executor.specs, gpuCount);
  const prices = toPrices(executor, gpuCount);
  const gpuType = machineName
    ? extractGpuModel(machineName)
    : specs.gpuModel
      ? extractGpuModel(specs.gpuModel)
      : 'Unknown';
  return {
    id: executor.id,
    huid: generateHumanId(executor.id),
    machineName,
    gpuType,
    gpuCount,
    availableGpuCount: executor.available_gpu_count,
    pricePerHour: prices.total,
    pricePerGpuHour: prices.perGpu,
    location: toLocation(executor.location),
    specs,
    status: executor.status ?? 'unknown',
    ip: executor.executor_ip_address,
    tier: executor.tier,
    maxCudaVersion: executor.max_cuda_version,
    // The effective (backend-measured) speeds first, the node's own report as a fallback.
    uploadMbps: executor.effective_upload_speed_mbps ?? executor.specs?.network?.upload_speed,
    downloadMbps: executor.effective_download_speed_mbps ?? executor.specs?.network?.download_speed,
    // lium-api.md §2.2.1: both live in `specs` (`sysbox_runtime` is docker-in-docker support).
    availablePortCount: executor.specs?.available_port_count,
    dockerInDocker: executor.specs?.sysbox_runtime ?? false,
    uptimeMinutes: executor.uptime_in_minutes,
    raw: executor,
  };
}

/** A `GET /templates` row as a {@link TemplateInfo}. */
export function toTemplateInfo(template: Template): TemplateInfo {
  return {
    id: template.id,
    huid: generateHumanId(template.id),
    name: template.name,
    dockerImage: template.docker_image,
    dockerImageTag: template.docker_image_tag ?? 'latest',
    category: template.category,
    status: template.status,
    isPrivate: template.is_private,
    userId: template.user_id,
    internalPorts: template.internal_ports ?? [],
    volumes: template.volumes ?? [],
    raw: template,
  };
}

function toPodTemplate(tpl: PodTemplate | undefined): PodTemplateInfo | null {
  if (!tpl) return null;
  return {
    id: tpl.id,
    name: tpl.name,
    dockerImage: tpl.docker_image,
    dockerImageTag: tpl.docker_image_tag,
    volumes: tpl.volumes ?? [],
    internalPorts: tpl.internal_ports ?? [],
  };
}

/** The host of `ssh root@host -p 22`, read by the strict parser; undefined when it is not one. */
function hostOf(sshCmd: string | null): string | undefined {
  if (!sshCmd) return undefined;
  try {
    return parseSshConnectCmd(sshCmd).host;
  } catch {
    return undefined;
  }
}

/** A `GET /pods` row as a {@link PodInfo}; `uptimeMs` and `spentUsd` are as of now. */
export function toPodInfo(pod: Pod): PodInfo {
  const now = new Date();
  const executor = pod.executor ? toExecutorInfo(pod.executor) : null;
  const gpuCount = pod.gpu_count ?? executor?.gpuCount ?? 1;
  const total = pod.price ?? (executor ? round(executor.pricePerGpuHour * gpuCount, 4) : 0);
  const gpuType = executor?.gpuType ?? (pod.gpu_name ? extractGpuModel(pod.gpu_name) : 'Unknown');
  const sshCmd = pod.ssh_connect_cmd?.trim() || null;
  const createdAt = pod.created_at;
  return {
    id: pod.id,
    name: pod.pod_name,
    status: pod.status.toUpperCase(),
    huid: generateHumanId(pod.id),
    sshCmd,
    ports: pod.ports_mapping,
    createdAt,
    updatedAt: pod.updated_at,
    executor,
    template: toPodTemplate(pod.template),
    gpuType,
    gpuCount,
    pricePerHour: total,
    pricePerGpuHour: gpuCount > 0 ? round(total / gpuCount, 4) : total,
    removalScheduledAt: pod.removal_scheduled_at ?? null,
    jupyterInstallationStatus: pod.jupyter_installation_status ?? null,
    jupyterUrl: pod.jupyter_url ?? null,
    volumeId: pod.volume_id || null,
    volumeHuid: pod.volume_id ? generateHumanId(pod.volume_id) : null,
    phase: pod.phase,
    estimatedReadySeconds: pod.estimated_ready_seconds,
    host: hostOf(sshCmd) ?? executor?.ip,
    uptimeMs: podUptimeMs({ createdAt }, now),
    spentUsd: podSpentUsd({ createdAt, pricePerHour: total }, now),
    raw: pod,
  };
}

/** A persistent volume, in camelCase; `raw` is the server's object. */
export interface VolumeInfo {
  /** Volume id (a UUID). */
  id: string;
  /** Human-readable id derived from `id` (`word-word-xx`). */
  huid: string;
  /** Volume name; empty when absent. */
  name: string;
  /** Description; empty when absent. */
  description: string;
  /** Current size in GB (`current_size_gb`, else `current_size_bytes` / 1024³); 0 when absent. */
  sizeGb: number;
  /** Number of files stored; 0 when absent. */
  fileCount: number;
  /** Creation time, ISO 8601 as the API sends it; undefined when absent. */
  createdAt: string | undefined;
  /** The server's `GET /volumes` row. */
  raw: Volume;
}

/** A `GET /volumes` row as a {@link VolumeInfo}. */
export function toVolumeInfo(volume: Volume): VolumeInfo {
  const bytes = volume.current_size_bytes;
  return {
    id: volume.id,
    huid: generateHumanId(volume.id),
    name: volume.name ?? '',
    description: volume.description ?? '',
    sizeGb: volume.current_size_gb ?? (bytes !== undefined ? round(bytes / 1024 ** 3, 3) : 0),
    fileCount: volume.current_file_count ?? 0,
    createdAt: volume.created_at,
    raw: volume,
  };
}
