import { describe, expect, it } from 'vitest';
import { wireExecutor } from '../test/fixtures.ts';
import { type ExecutorInfo, toExecutorInfo } from './models.ts';
import { paretoFrontier, paretoFrontierPairwise } from './pareto.ts';

function node(id: string, overrides: Record<string, unknown>): ExecutorInfo {
  return toExecutorInfo(wireExecutor({ id, ...overrides }));
}

describe('paretoFrontier', () => {
  it('marks cheaper-but-equal nodes optimal and dominated nodes not', () => {
    const cheap = node('a', { price_per_gpu: 2 });
    const dear = node('b', { price_per_gpu: 3 });
    expect(paretoFrontier([cheap, dear])).toEqual([true, false]);
  });

  it('never lets a faster download take the ★ from a cheaper machine (issue #14)', () => {
    const fast = node('a', { price_per_gpu: 2.73, effective_download_speed_mbps: 9363 });
    const cheap = node('b', { price_per_gpu: 1.66, effective_download_speed_mbps: 4945 });
    expect(paretoFrontier([fast, cheap])).toEqual([true, true]);
  });

  it('takes the ★ from a machine that is dearer and no better in any respect', () => {
    const fast = node('a', { price_per_gpu: 2, effective_download_speed_mbps: 5000 });
    const slow = node('b', { price_per_gpu: 3, effective_download_speed_mbps: 1000 });
    expect(paretoFrontier([fast, slow])).toEqual([true, false]);
  });

  it('never marks nodes below 100 Mbps download', () => {
    const lonely = node('a', { effective_download_speed_mbps: 50 });
    expect(paretoFrontier([lonely])).toEqual([false]);
  });

  it('keeps trade-offs on the frontier', () => {
    const cheapSmall = node('a', {
      price_per_gpu: 2,
      specs: { gpu: { details: [{ capacity: 40960 }] } },
    });
    const dearBig = node('b', {
      price_per_gpu: 3,
      specs: { gpu: { details: [{ capacity: 81920 }] } },
    });
    expect(paretoFrontier([cheapSmall, dearBig])).toEqual([true, true]);
  });

  it('at equal price and specs, marks both (location is no merit)', () => {
    const us = node('a', {});
    const de = node('b', { location: { country: 'Germany', country_code: 'DE' } });
    expect(paretoFrontier([us, de])).toEqual([true, true]);
  });

  it('returns an empty list for no nodes', () => {
    expect(paretoFrontier([])).toEqual([]);
  });

  it('agrees with the pairwise definition on random markets, ties and price near-ties included', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    for (let market = 0; market < 200; market += 1) {
      const size = 1 + Math.floor(random() * 60);
      const nodes = Array.from({ length: size }, (_, i) =>
        node(`n${market}-${i}`, {
          price_per_gpu: pick([1, 1.001, 1.004, 1.5, 2, 2.003, 3]),
          effective_download_speed_mbps: pick([50, 100, 999, 1000, 1001, 5000]),
          effective_upload_speed_mbps: pick([100, 500, 1000]),
        }),
      );
      expect(paretoFrontier(nodes), `market ${market}`).toEqual(paretoFrontierPairwise(nodes));
    }
  });
});
