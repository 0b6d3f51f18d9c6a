import { describe, expect, it } from 'vitest';
import { podSpentUsd, podUptimeMs } from './pod-cost.ts';

describe('pod uptime and spend', () => {
  const now = new Date('2026-07-01T12:00:00Z');

  it('reads naive API timestamps as UTC and charges hours × price', () => {
    const pod = { createdAt: '2026-07-01T10:30:00', pricePerHour: 2 };
    expect(podUptimeMs(pod, now)).toBe(90 * 60_000);
    expect(podSpentUsd(pod, now)).toBe(3);
  });

  it('is undefined / $0 without a creation time, and never negative', () => {
    expect(podUptimeMs({ createdAt: undefined }, now)).toBeUndefined();
    expect(podSpentUsd({ createdAt: undefined, pricePerHour: 5 }, now)).toBe(0);
    expect(podUptimeMs({ createdAt: '2026-07-01T13:00:00Z' }, now)).toBe(0);
  });
});
