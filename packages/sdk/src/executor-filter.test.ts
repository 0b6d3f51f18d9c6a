import { describe, expect, it } from 'vitest';
import { wireExecutor } from '../test/fixtures.ts';
import { filterExecutors, machineNamesFor } from './executor-filter.ts';
import { toExecutorInfo } from './models.ts';

const h100 = toExecutorInfo(wireExecutor({ id: 'h100' }));
const a100 = toExecutorInfo(
  wireExecutor({
    id: 'a100',
    machine_name: 'NVIDIA A100-SXM4-80GB',
    gpu_count: 1,
    price_per_gpu: 1.1,
    max_cuda_version: null,
    tier: 'spot',
    location: { country: 'Germany', country_code: 'DE' },
  }),
);
const all = [h100, a100];
const ids = (list: { id: string }[]) => list.map((e) => e.id);

describe('machineNamesFor', () => {
  it('expands short names into the full names the API knows', () => {
    const names = [
      'NVIDIA H100 80GB HBM3',
      'NVIDIA H100 PCIe',
      'NVIDIA H200',
      'NVIDIA GeForce RTX 4090',
    ];
    expect(machineNamesFor('h100', names)).toEqual(['NVIDIA H100 80GB HBM3', 'NVIDIA H100 PCIe']);
    expect(machineNamesFor('RTX4090', names)).toEqual(['NVIDIA GeForce RTX 4090']);
    expect(machineNamesFor('NVIDIA H200', names)).toEqual(['NVIDIA H200']);
    expect(machineNamesFor('TPU', names)).toEqual([]);
  });
});

describe('filterExecutors', () => {
  it.each([
    [{ gpuType: 'H100' }, ['h100']],
    [{ gpuCount: 1 }, ['a100']],
    [{ maxPricePerGpuHour: 2 }, ['a100']],
    [{ country: 'us' }, ['h100']],
    [{ country: 'Germany' }, ['a100']],
    [{ minCudaVersion: 12 }, ['h100']],
    [{ minCudaVersion: 13 }, []],
    [{ tier: 'spot' as const }, ['a100']],
    [{ minPorts: 13 }, []],
    [{}, ['h100', 'a100']],
  ])('%j', (filter, expected) => {
    expect(ids(filterExecutors(all, filter))).toEqual(expected);
  });
});
