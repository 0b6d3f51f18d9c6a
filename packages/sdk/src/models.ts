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
  country: string | undefined;
  countryCode: string | undefined;
  region: string | undefined;
  city: string | undefined;
  lat: number | undefined;
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
  cpuCount: number | undefined;
  cpuModel: string | undefined;
  gpuModel: string;
  driverVersion: string;
  pcieSpeed: number | undefined;
  memorySpeed: number | undefined;
  graphicsSpeed: number | undefined;
}

/** A rentable node, in camelCase with derived fields; `raw` is the server's object. */
export interface ExecutorInfo {
  id: string;
  huid: string;
  machineName: string;
  /** Short GPU name, e.g. `H100` (from the machine name, else the first GPU's name). */
  gpuType: string;
  gpuCount: number;
  /** GPUs free on a partially rented host, when the API says so. */
  availableGpuCount: number | undefined;
  /** Total $/h for the whole node. */
  pricePerHour: number;
  /** $/h for one GPU. */
  pricePerGpuHour: number;
  location: LocationInfo;
  specs: ExecutorSpecs;
  status: string;
  ip: string | undefined;
  /** `spot` or `secure`. */
  tier: string | undefined;
  maxCudaVersion: number | undefined;
  uploadMbps: number | undefined;
  downloadMbps: number | undefined;
  availablePortCount: number | undefined;
  dockerInDocker: boolean;
  uptimeMinutes: number | undefined;
  /** The server's object: a `GET /executors` row, or the executor embedded in a pod row. */
  raw: Executor | PodExecutor;
}

export interface TemplateInfo {
  id: string;
  huid: string;
  name: string;
  dockerImage: string;
  dockerImageTag: string;
  category: string | undefined;
  status: string | undefined;
  isPrivate: boolean | undefined;
  userId: string | undefined;
  internalPorts: number[];
  volumes: string[];
  raw: Template;
}

/** The template as attached to a pod (a subset; pods embed the full template object). */
export interface PodTemplateInfo {
  id: string | undefined;
  name: string | undefined;
  dockerImage: string | undefined;
  dockerImageTag: string | undefined;
  volumes: string[];
  internalPorts: number[];
}

export interface PodInfo {
  id: string;
  name: string;
  status: string;
  huid: string;
  /** `ssh root@1.2.3.4 -p 2222` once the pod is reachable, else null. */
  sshCmd: string | null;
  /** Internal port → external port on the node's IP, e.g. `{ "22": 34567 }`. */
  ports: Record<string, number>;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  executor: ExecutorInfo | null;
  template: PodTemplateInfo | null;
  gpuType: string;
  /** GPUs this pod is billed for (may be fewer than the host has). */
  gpuCount: number;
  /** Total $/h billed for the pod. */
  pricePerHour: number;
  pricePerGpuHour: number;
  removalScheduledAt: string | null;
  jupyterInstallationStatus: string | null;
  jupyterUrl: string | null;
  /** Creation step while pending (`pulling image`, …). */
  phase: string | undefined;
  estimatedReadySeconds: number | undefined;
  /** The host from the SSH command, else the node's IP. */
  host: string | undefined;
  /** Milliseconds since creation, when the pod was read (`podUptimeMs(pod, now)` for another time). */
  uptimeMs: number | undefined;
  /** $ spent so far, when the pod was read (`podSpentUsd(pod, now)` for another time). */
  spentUsd: number;
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
export function executorGpuCount(wire: ExecutorWire): number {
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
export function toExecutorInfo(executor: ExecutorWire): ExecutorInfo {
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
    phase: pod.phase,
    estimatedReadySeconds: pod.estimated_ready_seconds,
    host: hostOf(sshCmd) ?? executor?.ip,
    uptimeMs: podUptimeMs({ createdAt }, now),
    spentUsd: podSpentUsd({ createdAt, pricePerHour: total }, now),
    raw: pod,
  };
}

export interface VolumeInfo {
  id: string;
  huid: string;
  name: string;
  description: string;
  sizeGb: number;
  fileCount: number;
  createdAt: string | undefined;
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
