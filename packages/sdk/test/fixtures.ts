import { type Executor, ExecutorSchema, type Pod, PodSchema } from '@lium/api';
import * as v from 'valibot';

/**
 * Wire objects built through the `@lium/api` schemas, so a fixture holds only what validation
 * would produce (numbers as numbers, nulls as undefined); a bad override fails loudly here.
 */

/** A wire executor as `GET /executors` sends it (units of lium-api.md §2.2.1). */
export function wireExecutor(overrides: Record<string, unknown> = {}): Executor {
  return v.parse(ExecutorSchema, {
    id: 'e0000000-0000-4000-8000-000000000001',
    machine_name: 'NVIDIA H100 80GB HBM3',
    executor_ip_address: '10.0.0.1',
    price_per_gpu: 2.5,
    gpu_count: 8,
    status: 'available',
    tier: 'secure',
    max_cuda_version: 12.8,
    effective_upload_speed_mbps: 900,
    effective_download_speed_mbps: 1000,
    location: {
      country: 'United States',
      country_code: 'US',
      city: 'Dallas',
      lat: 32.7,
      lon: -96.8,
    },
    specs: {
      gpu: {
        count: 8,
        driver: '550.54.15',
        details: [
          {
            name: 'NVIDIA H100 80GB HBM3',
            capacity: 81920,
            pcie_speed: 16000,
            memory_speed: 3350,
            graphics_speed: 67,
          },
        ],
      },
      cpu: { count: 128, model: 'AMD EPYC 9554' },
      ram: { total: 2113929216 },
      hard_disk: { total: 7516192768 },
      network: { upload_speed: 5, download_speed: 6 },
      sysbox_runtime: true,
      available_port_count: 12,
    },
    ...overrides,
  });
}

export function wirePod(overrides: Record<string, unknown> = {}): Pod {
  return v.parse(PodSchema, {
    id: 'p0000000-0000-4000-8000-000000000001',
    pod_name: 'trainer',
    status: 'RUNNING',
    ssh_connect_cmd: 'ssh root@127.0.0.1 -p 2222',
    ports_mapping: { '22': 2222, '8000': 40123 },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:01:00Z',
    price: 5,
    gpu_name: 'NVIDIA H100 80GB HBM3',
    gpu_count: 2,
    template: {
      id: 't1',
      name: 'Pytorch (Cuda)',
      docker_image: 'daturaai/pytorch',
      docker_image_tag: '2.6.0',
      volumes: ['/workspace'],
      internal_ports: [22, 8000],
    },
    executor: {
      ...wireExecutor(),
      price_per_gpu: null,
      price_per_hour: 20,
    },
    removal_scheduled_at: null,
    jupyter_installation_status: null,
    jupyter_url: null,
    ...overrides,
  });
}
