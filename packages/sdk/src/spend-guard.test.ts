import { describe, expect, it } from 'vitest';
import type { ExecutorInfo, PodInfo } from './models.ts';
import { checkSpend } from './spend-guard.ts';

const machine = (huid: string, pricePerHour: number, gpuCount: number) =>
  ({ huid, pricePerHour, gpuCount }) as ExecutorInfo;
const pod = (pricePerHour: number, status = 'RUNNING') => ({ pricePerHour, status }) as PodInfo;

describe('checkSpend', () => {
  it('flags a machine above max_price per GPU-hour, with the numbers', () => {
    const check = checkSpend({
      executors: [machine('a', 16, 8), machine('b', 40, 8)],
      pods: [],
      balanceUsd: 100,
      limits: { maxPricePerGpuHour: 3 },
    });
    expect(check.violations).toEqual([
      expect.objectContaining({ kind: 'max_price', pricePerGpuHour: 5, limit: 3 }),
    ]);
  });

  it('adds the running pods to the new rent for max_hourly; stopped ones do not count', () => {
    const check = checkSpend({
      executors: [machine('a', 4, 1)],
      pods: [pod(3), pod(10, 'STOPPED')],
      balanceUsd: 70,
      limits: { maxHourlyUsd: 6 },
    });
    expect(check.violations).toEqual([
      { kind: 'max_hourly', currentUsd: 3, addedUsd: 4, totalUsd: 7, limit: 6 },
    ]);
    expect(check.runwayHours).toBe(10);
  });

  it('says when the scheduled removal outlives the balance', () => {
    const base = { executors: [machine('a', 2, 1)], pods: [], balanceUsd: 10, limits: {} };
    expect(checkSpend({ ...base, ttlHours: 6 }).ttlOutlivesBalance).toBe(true);
    expect(checkSpend({ ...base, ttlHours: 4 }).ttlOutlivesBalance).toBe(false);
    expect(checkSpend(base).violations).toEqual([]);
  });
});
