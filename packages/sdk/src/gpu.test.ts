import { describe, expect, it } from 'vitest';
import { extractGpuModel, gpuNameMatches } from './gpu.ts';

describe('extractGpuModel', () => {
  it.each([
    ['NVIDIA H100 80GB HBM3', 'H100'],
    ['NVIDIA H100 PCIe', 'H100'],
    ['NVIDIA H100 NVL', 'H100'],
    ['NVIDIA H200', 'H200'],
    ['NVIDIA B200', 'B200'],
    ['NVIDIA L40S', 'L40S'],
    ['NVIDIA L4', 'L4'],
    ['NVIDIA GeForce RTX 4090', 'RTX4090'],
    ['NVIDIA GeForce RTX 5090', 'RTX5090'],
    ['NVIDIA RTX 6000 Ada Generation', 'RTX6000'],
    ['NVIDIA RTX PRO 6000 Blackwell Server Edition', 'RTXPRO6000'],
    ['NVIDIA RTX A6000', 'A6000'],
    ['NVIDIA A100-SXM4-80GB', 'A100'],
    ['NVIDIA A100 80GB PCIe', 'A100'],
    ['NVIDIA H100 SXM 8x', 'H100'],
    ['Tesla V100', 'V100'],
    ['', 'Unknown'],
  ])('%s → %s', (name, model) => {
    expect(extractGpuModel(name)).toBe(model);
  });
});

describe('gpuNameMatches', () => {
  it('matches short names case-insensitively and full machine names', () => {
    expect(gpuNameMatches('h100', 'NVIDIA H100 80GB HBM3')).toBe(true);
    expect(gpuNameMatches('RTX 4090', 'NVIDIA GeForce RTX 4090')).toBe(true);
    expect(gpuNameMatches('NVIDIA H100 PCIe', 'NVIDIA H100 PCIe')).toBe(true);
    expect(gpuNameMatches('H200', 'NVIDIA H100 80GB HBM3')).toBe(false);
    expect(gpuNameMatches('', 'NVIDIA H100 80GB HBM3')).toBe(false);
  });
});
