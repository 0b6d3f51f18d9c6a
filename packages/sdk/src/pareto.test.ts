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

  it('lets a much faster download dominate regardless of price', () => {
    const fast = node('a', { price_per_gpu: 9, effective_download_speed_mbps: 5000 });
    const slow = node('b', { price_per_gpu: 1, effective_download_speed_mbps: 1000 });
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

  it('at equal price prefers the US location', () => {
    const us = node('a', {});
    const de = node('b', { location: { country: 'Germany', country_code: 'DE' } });
    expect(paretoFrontier([us, de])).toEqual([true, false]);
  });

  it('returns an empty list for no nodes', () => {
    expect(paretoFrontier([])).toEqual([]);
  });
});

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random market whose values sit on and around the rules' edges: speeds near 100 Mbps and
 * 10 % apart, prices 1 cent and 0.1 % apart, free nodes, missing speeds, US and elsewhere.
 */
function randomMarket(seed: number, size: number): ExecutorInfo[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const speed = () =>
    next() < 0.6
      ? pick([null, 0, 50, 99, 100, 101, 500, 900, 909, 910, 1000, 1001, 1100, 1111, 5000])
      : Math.round(next() * 6000);
  return Array.from({ length: size }, (_, i) =>
    node(`e${seed}-${i}`, {
      price_per_gpu:
        next() < 0.7 ? pick([0, 1, 1.001, 1.005, 1.01, 2, 2.002, 2.5, 3, 12, 12.01]) : next() * 5,
      effective_download_speed_mbps: speed(),
      effective_upload_speed_mbps: speed(),
      location:
        next() < 0.5
          ? { country: 'United States', country_code: 'US' }
          : { country: pick(['Germany', 'Canada']), country_code: pick(['DE', 'CA']) },
      specs: {
        gpu: {
          count: pick([1, 2, 8]),
          details: [
            {
              capacity: pick([24576, 40960, 81920, 81921]),
              pcie_speed: pick([null, 8000, 16000]),
              memory_speed: pick([null, 2000, 3350]),
              graphics_speed: pick([null, 60, 67]),
            },
          ],
        },
        ram: { total: pick([1_000_000, 2_113_929_216]) },
        hard_disk: { total: pick([1_000_000, 7_516_192_768]) },
      },
    }),
  );
}

describe('paretoFrontier against the pairwise definition', () => {
  it('gives the same verdicts on 300 random markets of 0 to 60 nodes', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const market = randomMarket(seed, seed % 61);
      expect(paretoFrontier(market), `seed ${seed}`).toEqual(paretoFrontierPairwise(market));
    }
  });

  it('gives the same verdicts on a market of 2 000 nodes and on one where all share one speed', () => {
    const big = randomMarket(4242, 2000);
    expect(paretoFrontier(big)).toEqual(paretoFrontierPairwise(big));
    const flat = randomMarket(77, 300).map((e) => ({ ...e, downloadMbps: 1000 }));
    expect(paretoFrontier(flat)).toEqual(paretoFrontierPairwise(flat));
  });

  it('falls back to every pair for speeds that are not finite numbers', () => {
    const market = randomMarket(9, 40);
    const odd = market.map((e, i) => (i === 3 ? { ...e, downloadMbps: Number.NaN } : e));
    expect(paretoFrontier(odd)).toEqual(paretoFrontierPairwise(odd));
  });
});
