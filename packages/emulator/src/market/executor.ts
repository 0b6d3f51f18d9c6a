import { CPU_MODELS, DRIVERS, GPU_MODELS, type GpuModel, PLACES, type Place } from './catalog.ts';
import { createRandom, type Random } from './random.ts';

/** An executor ("node") exactly as `GET /executors` sends it (reference §2.2.1). */
export interface Executor {
  id: string;
  machine_name: string;
  executor_ip_address: string;
  price_per_gpu: number;
  /** Legacy total $/h (pre-2025-11 payloads); kept because older clients require it. */
  price_per_hour: number;
  gpu_count: number;
  available_gpu_count: number;
  status: 'available';
  location: Place & { iso_code: string };
  validator_hotkey: string;
  uptime_in_minutes: number;
  effective_upload_speed_mbps: number;
  effective_download_speed_mbps: number;
  max_cuda_version: number;
  tier: 'spot' | 'secure';
  nvlink: boolean;
  interconnect: Interconnect | null;
  available_port_count: number;
  specs: ExecutorSpecs;
}

export interface Interconnect {
  gpu_count: number;
  gpu_pairs: number;
  nvlink: boolean;
  nvlink_links: number;
  nvlink_pairs: number;
  nvlink_active_links: number;
  pcie_class: string;
  p2p: boolean;
  p2p_pairs: number;
  p2p_ok_pairs: number;
  matrix: string[][];
}

export interface ExecutorSpecs {
  gpu: {
    count: number;
    driver: string;
    cuda_driver: number;
    details: GpuDetail[];
  };
  cpu: { count: number; model: string; utilization: number };
  /** KiB. */
  ram: { total: number; used: number; free: number; available: number; utilization: number };
  /** KiB. */
  hard_disk: { total: number; used: number; free: number; utilization: number };
  /** Mbps. */
  network: { upload_speed: number; download_speed: number };
  os: string;
  md5_checksums: { nvidia_smi: string; libnvidia_ml: string; docker: string };
  docker: { version: string; container_id: string; containers: unknown[] };
  gpu_processes: unknown[];
  available_port_maps: [number, number][];
  sysbox_runtime: boolean;
  available_port_count: number;
}

export interface GpuDetail {
  name: string;
  cuda: string;
  power_limit: number;
  graphics_speed: number;
  memory_speed: number;
  pcie: number;
  pcie_speed: number;
  /** MiB. */
  capacity: number;
  gpu_utilization: number;
  memory_utilization: number;
  uuid: string;
}

const GPU_COUNTS = [1, 2, 4, 8, 3, 6] as const;
const GPU_COUNT_WEIGHTS = [40, 20, 18, 16, 3, 3] as const;
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * Builds `count` executors from `seed`. The same seed and count always give the same list,
 * ids included, so tests can pin an executor by id. `host` is the address the pods listen on,
 * which is also every executor's IP (clients port-forward to `executor_ip_address`).
 */
export function generateExecutors(seed: number, count: number, host: string): Executor[] {
  const random = createRandom(seed);
  const executors: Executor[] = [];
  // Every GPU type appears at least once, whatever the size, so filters by name always have data.
  for (let i = 0; i < count; i++) {
    const model =
      i < GPU_MODELS.length
        ? (GPU_MODELS[i] as GpuModel)
        : random.weighted(
            GPU_MODELS,
            GPU_MODELS.map((m) => m.weight),
          );
    executors.push(generateExecutor(random, model, host));
  }
  return executors;
}

function generateExecutor(random: Random, model: GpuModel, host: string): Executor {
  const gpuCount = random.weighted(GPU_COUNTS, GPU_COUNT_WEIGHTS);
  const pricePerGpu = round(model.pricePerGpu * (0.75 + random.next() * 0.5), 2);
  const place = random.pick(PLACES);
  const maxCuda = random.pick(model.maxCuda);
  const driver =
    DRIVERS.filter((d) => d.cuda === maxCuda)[0] ??
    (DRIVERS[DRIVERS.length - 1] as (typeof DRIVERS)[number]);
  const nvlink = model.nvlinkCapable && gpuCount > 1 && random.chance(0.85);
  const download = round(200 + random.next() * 9800, 2);
  const upload = round(download * (0.3 + random.next() * 0.7), 2);
  const cpuCount = Math.min(256, gpuCount * random.pick([8, 12, 16, 24, 32]));
  const ramTotalKiB = gpuCount * random.pick([64, 128, 192, 256]) * 1024 * 1024;
  const ramUsedKiB = Math.floor(ramTotalKiB * random.next() * 0.1);
  const diskTotalKiB = gpuCount * random.pick([500, 1000, 2000, 4000]) * 1024 * 1024;
  const diskUsedKiB = Math.floor(diskTotalKiB * random.next() * 0.3);
  const availablePortCount = random.int(5, 200);
  const portBase = random.int(20, 60) * 1000;
  const details: GpuDetail[] = [];
  for (let g = 0; g < gpuCount; g++) {
    details.push({
      name: model.machineName,
      cuda: String(maxCuda >= 12.8 ? '12.0' : maxCuda >= 12 ? '9.0' : '8.6'),
      power_limit: model.powerLimit,
      graphics_speed: model.graphicsSpeed,
      memory_speed: model.memorySpeed,
      pcie: model.pcieSpeed >= 64_000 ? 5 : 4,
      pcie_speed: model.pcieSpeed,
      capacity: model.capacityMiB,
      gpu_utilization: 0,
      memory_utilization: 0,
      uuid: `GPU-${random.uuid()}`,
    });
  }
  return {
    id: random.uuid(),
    machine_name: model.machineName,
    executor_ip_address: host,
    price_per_gpu: pricePerGpu,
    price_per_hour: round(pricePerGpu * gpuCount, 2),
    gpu_count: gpuCount,
    available_gpu_count: gpuCount,
    status: 'available',
    location: { ...place, iso_code: place.country_code },
    validator_hotkey: `5${Array.from({ length: 47 }, () => random.pick([...BASE58])).join('')}`,
    uptime_in_minutes: random.int(30, 180 * 24 * 60),
    effective_upload_speed_mbps: upload,
    effective_download_speed_mbps: download,
    max_cuda_version: maxCuda,
    tier: random.chance(0.35) ? 'secure' : 'spot',
    nvlink,
    interconnect: gpuCount > 1 ? interconnectFor(gpuCount, nvlink) : null,
    available_port_count: availablePortCount,
    specs: {
      gpu: {
        count: gpuCount,
        driver: driver.driver,
        cuda_driver: Math.round(driver.cuda * 1000),
        details,
      },
      cpu: {
        count: cpuCount,
        model: random.pick(CPU_MODELS),
        utilization: round(random.next() * 5, 1),
      },
      ram: {
        total: ramTotalKiB,
        used: ramUsedKiB,
        free: ramTotalKiB - ramUsedKiB,
        available: ramTotalKiB - ramUsedKiB,
        utilization: round((ramUsedKiB / ramTotalKiB) * 100, 1),
      },
      hard_disk: {
        total: diskTotalKiB,
        used: diskUsedKiB,
        free: diskTotalKiB - diskUsedKiB,
        utilization: round((diskUsedKiB / diskTotalKiB) * 100, 1),
      },
      network: { upload_speed: upload, download_speed: download },
      os: random.pick(['Ubuntu 22.04.4 LTS', 'Ubuntu 22.04.5 LTS', 'Ubuntu 24.04.1 LTS']),
      md5_checksums: {
        nvidia_smi: random.hex(32),
        libnvidia_ml: random.hex(32),
        docker: random.hex(32),
      },
      docker: {
        version: random.pick(['26.1.3', '27.3.1', '28.0.4']),
        container_id: random.hex(12),
        containers: [],
      },
      gpu_processes: [],
      available_port_maps: Array.from({ length: Math.min(availablePortCount, 10) }, (_, i) => [
        portBase + i,
        portBase + i,
      ]),
      sysbox_runtime: random.chance(0.4),
      available_port_count: availablePortCount,
    },
  };
}

function interconnectFor(gpuCount: number, nvlink: boolean): Interconnect {
  const pairs = (gpuCount * (gpuCount - 1)) / 2;
  const link = nvlink ? 'NV18' : 'SYS';
  return {
    gpu_count: gpuCount,
    gpu_pairs: pairs,
    nvlink,
    nvlink_links: nvlink ? pairs * 18 : 0,
    nvlink_pairs: nvlink ? pairs : 0,
    nvlink_active_links: nvlink ? pairs * 18 : 0,
    pcie_class: nvlink ? 'NODE' : 'SYS',
    p2p: nvlink,
    p2p_pairs: pairs,
    p2p_ok_pairs: nvlink ? pairs : 0,
    matrix: Array.from({ length: gpuCount }, (_, row) =>
      Array.from({ length: gpuCount }, (_, col) => (row === col ? 'X' : link)),
    ),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
