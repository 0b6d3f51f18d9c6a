import { describe, expect, it } from 'vitest';
import { wireExecutor } from '../test/fixtures.ts';
import { type ExecutorInfo, toExecutorInfo } from './models.ts';
import { rankExecutors } from './rank.ts';

function node(id: string, overrides: Record<string, unknown>): ExecutorInfo {
  return toExecutorInfo(wireExecutor({ id, ...overrides }));
}

const ids = (ranked: ReturnType<typeof rankExecutors>) => ranked.map((row) => row.executor.id);

describe('rankExecutors', () => {
  // Issue #14: 8×H100 at $21.84/h (fast) and $13.28/h (half as fast): the cheaper one is best.
  const dear = node('dear', { price_per_gpu: 2.73, effective_download_speed_mbps: 9363 });
  const cheap = node('cheap', { price_per_gpu: 1.66, effective_download_speed_mbps: 4945 });
  const slow = node('slow', { price_per_gpu: 0.15, effective_download_speed_mbps: 40 });

  it('by default puts the ★ machines first, cheapest first, so row 1 is the best', () => {
    const ranked = rankExecutors([dear, slow, cheap]);
    expect(ids(ranked)).toEqual(['cheap', 'dear', 'slow']);
    expect(ranked.map((row) => row.pareto)).toEqual([true, true, false]);
  });

  it('sorts by price per GPU-hour alone with sort "price"', () => {
    expect(ids(rankExecutors([dear, cheap, slow], { sort: 'price' }))).toEqual([
      'slow',
      'cheap',
      'dear',
    ]);
  });

  it('breaks ties of another key by price', () => {
    const a = node('a', { price_per_gpu: 3, effective_download_speed_mbps: 500 });
    const b = node('b', { price_per_gpu: 2, effective_download_speed_mbps: 500 });
    expect(ids(rankExecutors([a, b], { sort: 'download' }))).toEqual(['b', 'a']);
  });
});
