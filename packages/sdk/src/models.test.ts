import { describe, expect, it } from 'vitest';
import { wireExecutor, wirePod } from '../test/fixtures.ts';
import { toExecutorInfo, toPodInfo } from './models.ts';

describe('toExecutorInfo', () => {
  it('maps the wire executor into human units', () => {
    const e = toExecutorInfo(wireExecutor());
    expect(e).toMatchObject({
      machineName: 'NVIDIA H100 80GB HBM3',
      gpuType: 'H100',
      gpuCount: 8,
      pricePerGpuHour: 2.5,
      pricePerHour: 20,
      status: 'available',
      tier: 'secure',
      maxCudaVersion: 12.8,
      uploadMbps: 900,
      downloadMbps: 1000,
      availablePortCount: 12,
      dockerInDocker: true,
      ip: '10.0.0.1',
      location: { country: 'United States', countryCode: 'US', city: 'Dallas' },
      specs: { vramGb: 80, totalVramGb: 640, ramGb: 2016, diskGb: 7168, cpuCount: 128 },
    });
    expect(e.huid).toMatch(/^[a-z]+-[a-z]+-[0-9a-f]{2}$/);
  });

  it('prefers the top-level gpu_count, then specs.gpu.count, then the detail rows (§6.18)', () => {
    expect(toExecutorInfo(wireExecutor({ gpu_count: 4 })).gpuCount).toBe(4);
    expect(toExecutorInfo(wireExecutor({ gpu_count: undefined })).gpuCount).toBe(8);
    const noCount = wireExecutor({
      gpu_count: null,
      specs: { gpu: { details: [{ name: 'x' }, { name: 'x' }, { name: 'x' }] } },
    });
    expect(toExecutorInfo(noCount).gpuCount).toBe(3);
    expect(toExecutorInfo(wireExecutor({ gpu_count: null, specs: {} })).gpuCount).toBe(1);
  });

  it('reads ports and docker-in-docker from specs, where lium-api.md §2.2.1 puts them', () => {
    const e = toExecutorInfo(wireExecutor({ available_port_count: 99, docker_in_docker: false }));
    expect(e.availablePortCount).toBe(12);
    expect(e.dockerInDocker).toBe(true);
    const bare = toExecutorInfo(wireExecutor({ specs: {} }));
    expect(bare.availablePortCount).toBeUndefined();
    expect(bare.dockerInDocker).toBe(false);
  });

  it('derives the per-GPU price from a legacy total', () => {
    const e = toExecutorInfo(wireExecutor({ price_per_gpu: undefined, price_per_hour: 16 }));
    expect(e.pricePerHour).toBe(16);
    expect(e.pricePerGpuHour).toBe(2);
  });

  it('falls back to the node-reported network speeds', () => {
    const e = toExecutorInfo(
      wireExecutor({ effective_upload_speed_mbps: null, effective_download_speed_mbps: undefined }),
    );
    expect(e.uploadMbps).toBe(5);
    expect(e.downloadMbps).toBe(6);
  });
});

describe('toPodInfo', () => {
  it('maps a /pods row', () => {
    const p = toPodInfo(wirePod());
    expect(p).toMatchObject({
      name: 'trainer',
      status: 'RUNNING',
      sshCmd: 'ssh root@127.0.0.1 -p 2222',
      ports: { '22': 2222, '8000': 40123 },
      gpuType: 'H100',
      gpuCount: 2,
      pricePerHour: 5,
      pricePerGpuHour: 2.5,
      host: '127.0.0.1',
      template: { id: 't1', dockerImage: 'daturaai/pytorch', volumes: ['/workspace'] },
      removalScheduledAt: null,
    });
    expect(p.executor?.gpuCount).toBe(8);
    expect(p.executor?.pricePerHour).toBe(20);
  });

  it('tolerates a pending pod with no ssh command and string ports', () => {
    const p = toPodInfo(
      wirePod({
        status: 'pending',
        ssh_connect_cmd: '',
        ports_mapping: '{"22": 1}',
        executor: null,
      }),
    );
    expect(p.status).toBe('PENDING');
    expect(p.sshCmd).toBeNull();
    expect(p.ports).toEqual({ '22': 1 });
    expect(p.executor).toBeNull();
    expect(p.host).toBeUndefined();
  });

  it('takes the host from a strict ssh command only, else the node IP', () => {
    expect(toPodInfo(wirePod({ ssh_connect_cmd: 'ssh root@10.1.2.3 -p 22' })).host).toBe(
      '10.1.2.3',
    );
    const odd = toPodInfo(wirePod({ ssh_connect_cmd: 'ssh -o X root@evil -p 22' }));
    expect(odd.sshCmd).toBe('ssh -o X root@evil -p 22');
    expect(odd.host).toBe('10.0.0.1');
  });

  it('computes the total from the executor when the row has no price', () => {
    const p = toPodInfo(wirePod({ price: undefined, executor: wireExecutor() }));
    expect(p.pricePerHour).toBe(5);
  });
});
