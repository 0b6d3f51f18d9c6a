import type { Executor, Pod, Template, Volume } from '@lium/api';
import { extractGpuModel } from './gpu.ts';
import { generateHumanId } from './huid.ts';
import { podSpentUsd, podUptimeMs } from './pod-cost.ts';
import { type Bag, bag, bool, firstOf, num, path, str } from './read.ts';

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
  raw: Executor;
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
 * because some nodes report them that way (reference §2.2.1, [L] `_maybe_gi_from_big_number`).
 */
function gbFromKib(kib: number | undefined): number {
  if (kib === undefined || kib <= 0) return 0;
  return kib < 8192 ? kib : kib / KIB_PER_GB;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * GPUs on a node: the top-level `gpu_count`, then `specs.gpu.count`, then the number of GPU
 * detail rows, then 1 (reference §6.18: defaulting straight to 1 priced 8-GPU nodes as one).
 */
export function executorGpuCount(wire: Bag): number {
  const top = num(wire.gpu_count);
  if (top !== undefined && top > 0) return top;
  const specCount = num(path(wire, 'specs', 'gpu', 'count'));
  if (specCount !== undefined && specCount > 0) return specCount;
  const details = path(wire, 'specs', 'gpu', 'details');
  if (Array.isArray(details) && details.length > 0) return details.length;
  return 1;
}

function toLocation(value: unknown): LocationInfo {
  const loc = bag(value) ?? {};
  return {
    country: str(loc.country),
    countryCode: str(loc.country_code) ?? str(loc.iso_code),
    region: str(loc.region_name) ?? str(loc.region),
    city: str(loc.city),
    lat: num(loc.lat),
    lon: num(loc.lon),
  };
}

function toSpecs(specs: unknown, gpuCount: number): ExecutorSpecs {
  const gpu = path(specs, 'gpu');
  const first = firstOf(path(gpu, 'details'));
  const vramGb = round((num(path(first, 'capacity')) ?? 0) / MIB_PER_GB, 1);
  return {
    vramGb,
    totalVramGb: round(vramGb * gpuCount, 1),
    ramGb: round(gbFromKib(num(path(specs, 'ram', 'total'))), 1),
    diskGb: round(gbFromKib(num(path(specs, 'hard_disk', 'total'))), 1),
    cpuCount: num(path(specs, 'cpu', 'count')),
    cpuModel: str(path(specs, 'cpu', 'model')),
    gpuModel: str(path(first, 'name')) ?? '',
    driverVersion: str(path(gpu, 'driver')) ?? '',
    pcieSpeed: num(path(first, 'pcie_speed')),
    memorySpeed: num(path(first, 'memory_speed')),
    graphicsSpeed: num(path(first, 'graphics_speed')),
  };
}

/**
 * Per-GPU and total price. Since 2025-11 the API sends `price_per_gpu` and the total is
 * `price_per_gpu × gpu_count`; older payloads send only the total `price_per_hour`.
 */
function toPrices(wire: Bag, gpuCount: number): { perGpu: number; total: number } {
  const perGpu = num(wire.price_per_gpu);
  if (perGpu !== undefined) return { perGpu, total: round(perGpu * gpuCount, 4) };
  const total = num(wire.price_per_hour) ?? 0;
  return { perGpu: round(total / gpuCount, 4), total };
}

export function toExecutorInfo(executor: Executor): ExecutorInfo {
  const wire = executor as unknown as Bag;
  const id = str(wire.id) ?? '';
  const machineName = str(wire.machine_name) ?? '';
  const gpuCount = executorGpuCount(wire);
  const specs = toSpecs(wire.specs, gpuCount);
  const prices = toPrices(wire, gpuCount);
  const gpuType = machineName
    ? extractGpuModel(machineName)
    : specs.gpuModel
      ? extractGpuModel(specs.gpuModel)
      : 'Unknown';
  return {
    id,
    huid: generateHumanId(id),
    machineName,
    gpuType,
    gpuCount,
    availableGpuCount: num(wire.available_gpu_count),
    pricePerHour: prices.total,
    pricePerGpuHour: prices.perGpu,
    location: toLocation(wire.location),
    specs,
    status: str(wire.status) ?? 'unknown',
    ip: str(wire.executor_ip_address),
    tier: str(wire.tier),
    maxCudaVersion: num(wire.max_cuda_version),
    // The effective (backend-measured) speeds first, the node's own report as a fallback.
    uploadMbps:
      num(wire.effective_upload_speed_mbps) ?? num(path(wire, 'specs', 'network', 'upload_speed')),
    downloadMbps:
      num(wire.effective_download_speed_mbps) ??
      num(path(wire, 'specs', 'network', 'download_speed')),
    availablePortCount:
      num(wire.available_port_count) ?? num(path(wire, 'specs', 'available_port_count')),
    dockerInDocker:
      bool(wire.docker_in_docker) ?? bool(path(wire, 'specs', 'sysbox_runtime')) ?? false,
    uptimeMinutes: num(wire.uptime_in_minutes),
    raw: executor,
  };
}

function numberList(value: unknown): number[] {
  return Array.isArray(value) ? value.map(num).filter((n) => n !== undefined) : [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
}

export function toTemplateInfo(template: Template): TemplateInfo {
  const wire = template as unknown as Bag;
  const id = str(wire.id) ?? '';
  return {
    id,
    huid: generateHumanId(id),
    name: str(wire.name) ?? '',
    dockerImage: str(wire.docker_image) ?? '',
    dockerImageTag: str(wire.docker_image_tag) ?? 'latest',
    category: str(wire.category),
    status: str(wire.status),
    isPrivate: bool(wire.is_private),
    userId: str(wire.user_id),
    internalPorts: numberList(wire.internal_ports),
    volumes: stringList(wire.volumes),
    raw: template,
  };
}

function toPodTemplate(value: unknown): PodTemplateInfo | null {
  const tpl = bag(value);
  if (!tpl) return null;
  return {
    id: str(tpl.id),
    name: str(tpl.name),
    dockerImage: str(tpl.docker_image),
    dockerImageTag: str(tpl.docker_image_tag),
    volumes: stringList(tpl.volumes),
    internalPorts: numberList(tpl.internal_ports),
  };
}

function toPorts(value: unknown): Record<string, number> {
  let source: unknown = value;
  if (typeof value === 'string') {
    try {
      source = JSON.parse(value);
    } catch {
      return {};
    }
  }
  const ports: Record<string, number> = {};
  for (const [internal, external] of Object.entries(bag(source) ?? {})) {
    const port = num(external);
    if (port !== undefined) ports[internal] = port;
  }
  return ports;
}

function hostOf(sshCmd: string | null): string | undefined {
  if (!sshCmd) return undefined;
  return /@(\S+)/.exec(sshCmd)?.[1];
}

export function toPodInfo(pod: Pod): PodInfo {
  const now = new Date();
  const wire = pod as unknown as Bag;
  const createdAt = str(wire.created_at);
  const id = str(wire.id) ?? '';
  const executorWire = bag(wire.executor);
  const executor =
    executorWire && typeof executorWire.id === 'string'
      ? toExecutorInfo(executorWire as unknown as Executor)
      : null;
  const gpuCount = num(wire.gpu_count) ?? executor?.gpuCount ?? 1;
  const total = num(wire.price) ?? (executor ? round(executor.pricePerGpuHour * gpuCount, 4) : 0);
  const gpuName = str(wire.gpu_name);
  const gpuType = executor?.gpuType ?? (gpuName ? extractGpuModel(gpuName) : 'Unknown');
  const sshCmd = str(wire.ssh_connect_cmd)?.trim() || null;
  return {
    id,
    name: str(wire.pod_name) ?? '',
    status: (str(wire.status) ?? 'UNKNOWN').toUpperCase(),
    huid: generateHumanId(id),
    sshCmd,
    ports: toPorts(wire.ports_mapping),
    createdAt,
    updatedAt: str(wire.updated_at),
    executor,
    template: toPodTemplate(wire.template),
    gpuType,
    gpuCount,
    pricePerHour: total,
    pricePerGpuHour: gpuCount > 0 ? round(total / gpuCount, 4) : total,
    removalScheduledAt: str(wire.removal_scheduled_at) ?? null,
    jupyterInstallationStatus: str(wire.jupyter_installation_status) ?? null,
    jupyterUrl: str(wire.jupyter_url) ?? null,
    phase: str(wire.phase),
    estimatedReadySeconds: num(wire.estimated_ready_seconds),
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

export function toVolumeInfo(volume: Volume): VolumeInfo {
  const wire = volume as unknown as Bag;
  const id = str(wire.id) ?? '';
  const bytes = num(wire.current_size_bytes);
  return {
    id,
    huid: generateHumanId(id),
    name: str(wire.name) ?? '',
    description: str(wire.description) ?? '',
    sizeGb: num(wire.current_size_gb) ?? (bytes !== undefined ? round(bytes / 1024 ** 3, 3) : 0),
    fileCount: num(wire.current_file_count) ?? 0,
    createdAt: str(wire.created_at),
    raw: volume,
  };
}
