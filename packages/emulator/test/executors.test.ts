import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { distanceMiles } from '../src/market/filter.ts';
import {
  type ApiClient,
  apiClient,
  type ExecutorRow,
  newKeyPair,
  rentPod,
  startTestEmulator,
} from './helpers.ts';

describe('the marketplace', () => {
  let emulator: Emulator;
  let api: ApiClient;
  let all: ExecutorRow[];
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 400, seed: 7 });
    api = apiClient(emulator);
    all = (await api<ExecutorRow[]>('GET', '/executors')).body;
  });
  afterAll(() => emulator.close());

  it('lists the configured number of executors with the reference units', () => {
    expect(all).toHaveLength(400);
    for (const e of all) {
      expect(e.gpu_count).toBeGreaterThanOrEqual(1);
      expect(e.gpu_count).toBeLessThanOrEqual(8);
      expect(e.specs.gpu.count).toBe(e.gpu_count);
      expect(e.specs.gpu.details).toHaveLength(e.gpu_count);
      expect(e.price_per_hour).toBeCloseTo(e.price_per_gpu * e.gpu_count, 1);
      // GPU memory in MiB (≥ 16 GiB cards), RAM in KiB (≥ 64 GiB per GPU).
      expect(e.specs.gpu.details[0]?.capacity).toBeGreaterThanOrEqual(16_000);
      expect(e.specs.ram.total).toBeGreaterThanOrEqual(64 * 1024 * 1024);
      expect(e.location.country_code).toMatch(/^[A-Z]{2}$/);
      expect(typeof e.location.lat).toBe('number');
      expect(e.available_port_count).toBeGreaterThan(0);
    }
    const first = all[0] as unknown as Record<string, unknown>;
    for (const field of [
      'max_cuda_version',
      'tier',
      'validator_hotkey',
      'uptime_in_minutes',
      'effective_upload_speed_mbps',
      'interconnect',
      'available_gpu_count',
    ]) {
      expect(first).toHaveProperty(field);
    }
  });

  it('offers every GPU type the reference names', async () => {
    const machines = (await api<{ name: string }[]>('GET', '/machines')).body.map((m) => m.name);
    for (const name of [
      'NVIDIA B200',
      'NVIDIA H200',
      'NVIDIA H100 80GB HBM3',
      'NVIDIA H100 NVL',
      'NVIDIA H100 PCIe',
      'NVIDIA GeForce RTX 4090',
      'NVIDIA RTX A6000',
      'NVIDIA A100-SXM4-80GB',
      'NVIDIA L40S',
    ]) {
      expect(machines).toContain(name);
      expect(all.some((e) => e.machine_name === name)).toBe(true);
    }
  });

  it('is deterministic for a seed and different for another', async () => {
    const again = await startTestEmulator({ executors: 400, seed: 7 });
    const other = await startTestEmulator({ executors: 400, seed: 8 });
    try {
      const same = (await apiClient(again)<ExecutorRow[]>('GET', '/executors')).body;
      const different = (await apiClient(other)<ExecutorRow[]>('GET', '/executors')).body;
      expect(same).toEqual(all);
      expect(different[0]?.id).not.toBe(all[0]?.id);
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it('filters by size, machine names and GPU count', async () => {
    expect((await api<ExecutorRow[]>('GET', '/executors?size=5')).body).toHaveLength(5);
    const names = 'NVIDIA H100 80GB HBM3,NVIDIA H100 PCIe';
    const h100 = (
      await api<ExecutorRow[]>('GET', `/executors?machine_names=${encodeURIComponent(names)}`)
    ).body;
    expect(h100.length).toBeGreaterThan(0);
    expect(h100.length).toBe(all.filter((e) => names.split(',').includes(e.machine_name)).length);
    const eight = (await api<ExecutorRow[]>('GET', '/executors?gpu_count_gte=8&gpu_count_lte=8'))
      .body;
    expect(eight.length).toBe(all.filter((e) => e.gpu_count === 8).length);
    expect(eight.every((e) => e.gpu_count === 8)).toBe(true);
  });

  it('filters by total price, NVLink and download speed', async () => {
    const cheap = (
      await api<ExecutorRow[]>('GET', '/executors?price_per_hour_lte=1&price_per_hour_gte=0.5')
    ).body;
    expect(cheap.length).toBe(
      all.filter((e) => e.price_per_hour <= 1 && e.price_per_hour >= 0.5).length,
    );
    const nvlink = (await api<ExecutorRow[]>('GET', '/executors?nvlink=true')).body;
    expect(nvlink.length).toBeGreaterThan(0);
    expect(nvlink.every((e) => e.nvlink)).toBe(true);
    const fast = (await api<ExecutorRow[]>('GET', '/executors?min_download_mbps=5000')).body;
    expect(fast.length).toBe(all.filter((e) => e.effective_download_speed_mbps >= 5000).length);
  });

  it('filters by distance in miles around lat/lon', async () => {
    // Around Frankfurt: Frankfurt, Amsterdam, Paris, London are within 400 miles; Tokyo is not.
    const near = (
      await api<ExecutorRow[]>('GET', '/executors?lat=50.11&lon=8.68&max_distance_mile=400')
    ).body;
    expect(near.length).toBe(
      all.filter((e) => distanceMiles(50.11, 8.68, e.location.lat, e.location.lon) <= 400).length,
    );
    expect(near.length).toBeGreaterThan(0);
    expect(near.every((e) => ['DE', 'NL', 'FR', 'GB'].includes(e.location.country_code))).toBe(
      true,
    );
  });

  it('recommends images for a driver and estimates a deployment', async () => {
    const images = await api<{ docker_image: string; docker_image_tag: string }[]>(
      'GET',
      '/executors/default-docker-image?gpu_model=NVIDIA%20H100&driver_version=550.127.05',
    );
    expect(images.body[0]).toMatchObject({ docker_image: 'daturaai/pytorch' });
    const executor = all[0] as ExecutorRow;
    const estimate = await api(
      'GET',
      `/executors/deployment-estimate?executor_id=${executor.id}&template_id=1948937e-5049-47ad-8e26-bcf1a4549d70`,
    );
    expect(estimate.body).toMatchObject({
      estimated_seconds: expect.any(Number),
      is_slow_machine: expect.any(Boolean),
      is_cached_template: true,
    });
  });

  it('hides a rented executor and shows it again after the pod is deleted', async () => {
    const executor = all[3] as ExecutorRow;
    const pod = await rentPod(api, newKeyPair().publicKey, { executorId: executor.id });
    const during = (await api<ExecutorRow[]>('GET', '/executors')).body;
    expect(during.some((e) => e.id === executor.id)).toBe(false);
    expect(during).toHaveLength(399);
    expect((await api('DELETE', `/pods/${pod.id}`)).status).toBe(200);
    const after = (await api<ExecutorRow[]>('GET', '/executors')).body;
    expect(after.some((e) => e.id === executor.id)).toBe(true);
  });

  it('builds a marketplace of 5 000 executors', async () => {
    const big = await startTestEmulator({ executors: 5000 });
    try {
      const list = (await apiClient(big)<ExecutorRow[]>('GET', '/executors?size=10000')).body;
      expect(list).toHaveLength(5000);
      expect(new Set(list.map((e) => e.id)).size).toBe(5000);
    } finally {
      await big.close();
    }
  });
});
