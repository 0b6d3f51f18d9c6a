import type { ExecutorInfo, PodInfo, TemplateInfo } from '@lium/sdk';
import { formatDuration } from './output/format.ts';

/**
 * The `--json` shapes, snake_case like the official CLI's JSON (reference Appendix A), so
 * scripts written against it keep working. They are part of the CLI's contract.
 */
export interface ExecutorRow {
  index: number;
  id: string;
  huid: string;
  config: string;
  gpu_type: string;
  gpu_count: number;
  price_per_gpu_hour: number;
  price_per_hour: number;
  country: string | null;
  vram_gb: number;
  ram_gb: number;
  disk_gb: number;
  upload_mbps: number | null;
  download_mbps: number | null;
  available_ports: number | null;
  docker_in_docker: boolean;
  is_pareto: boolean;
  max_cuda_version: number | null;
  tier: string | null;
}

export function executorRow(executor: ExecutorInfo, index: number, isPareto: boolean): ExecutorRow {
  return {
    index,
    id: executor.id,
    huid: executor.huid,
    config: `${executor.gpuCount}x${executor.gpuType}`,
    gpu_type: executor.gpuType,
    gpu_count: executor.gpuCount,
    price_per_gpu_hour: executor.pricePerGpuHour,
    price_per_hour: executor.pricePerHour,
    country: executor.location.countryCode ?? executor.location.country ?? null,
    vram_gb: executor.specs.vramGb,
    ram_gb: executor.specs.ramGb,
    disk_gb: executor.specs.diskGb,
    upload_mbps: executor.uploadMbps ?? null,
    download_mbps: executor.downloadMbps ?? null,
    available_ports: executor.availablePortCount ?? null,
    docker_in_docker: executor.dockerInDocker,
    is_pareto: isPareto,
    max_cuda_version: executor.maxCudaVersion ?? null,
    tier: executor.tier ?? null,
  };
}

export interface PodRow {
  index: number;
  id: string;
  huid: string;
  name: string;
  status: string;
  gpu_type: string;
  gpu_count: number;
  config: string;
  template: string | null;
  price_per_hour: number;
  spent_usd: number;
  /**
   * Time since the pod was created as the table shows it (`2h 5m`): the reference names the
   * field (Appendix A, `compact_pod`) but not its format, and the official CLI's JSON reuses
   * its table text.
   */
  uptime: string | null;
  /** Milliseconds since the pod was created. */
  uptime_ms: number | null;
  created_at: string | null;
  ip: string | null;
  ports: Record<string, number>;
  ssh_cmd: string | null;
  removal_scheduled_at: string | null;
  jupyter_url: string | null;
  /** The attached persistent volume's id and HUID; null when none is attached. */
  volume_id: string | null;
  volume: string | null;
}

/** The `--json` row of a pod; uptime and spend are the SDK's, as of when the pod was read. */
export function podRow(pod: PodInfo, index: number): PodRow {
  const template = pod.template;
  const uptime = pod.uptimeMs;
  return {
    index,
    id: pod.id,
    huid: pod.huid,
    name: pod.name,
    status: pod.status,
    gpu_type: pod.gpuType,
    gpu_count: pod.gpuCount,
    config: `${pod.gpuCount}x${pod.gpuType}`,
    template: template?.name ?? template?.dockerImage ?? null,
    price_per_hour: pod.pricePerHour,
    spent_usd: pod.spentUsd,
    uptime: uptime === undefined ? null : formatDuration(uptime),
    uptime_ms: uptime ?? null,
    created_at: pod.createdAt ?? null,
    ip: pod.host ?? null,
    ports: pod.ports,
    ssh_cmd: pod.sshCmd,
    removal_scheduled_at: pod.removalScheduledAt,
    jupyter_url: pod.jupyterUrl,
    volume_id: pod.volumeId,
    volume: pod.volumeHuid,
  };
}

export interface TemplateRow {
  index: number;
  id: string;
  huid: string;
  name: string;
  image: string;
  category: string | null;
  status: string | null;
  is_private: boolean | null;
}

export function templateRow(template: TemplateInfo, index: number): TemplateRow {
  return {
    index,
    id: template.id,
    huid: template.huid,
    name: template.name,
    image: `${template.dockerImage}:${template.dockerImageTag}`,
    category: template.category ?? null,
    status: template.status ?? null,
    is_private: template.isPrivate ?? null,
  };
}
