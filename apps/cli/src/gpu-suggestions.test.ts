import { describe, expect, it } from 'vitest';
import { nearestGpuNames } from './gpu-suggestions.ts';

const names = ['A10', 'A100', 'A4000', 'H100', 'H200', 'H800', 'L40S', 'RTX4090', 'RTX5090'];

describe('nearestGpuNames', () => {
  it('suggests the names a prefix starts, then near typos', () => {
    expect(nearestGpuNames('H10', names)).toEqual(['H100', 'A10']);
    expect(nearestGpuNames('h20', names)).toEqual(['H200']);
    expect(nearestGpuNames('RTX4080', names)).toEqual(['RTX4090', 'RTX5090']);
    expect(nearestGpuNames('H1OO', names)).toEqual(['H100']);
  });

  it('suggests nothing for unrelated text', () => {
    expect(nearestGpuNames('banana', names)).toEqual([]);
  });
});
