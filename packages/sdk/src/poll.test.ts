import { describe, expect, it } from 'vitest';
import { pollUntil, settleEach } from './poll.ts';

const fast = { intervalMs: 1, maxIntervalMs: 2 };

describe('pollUntil', () => {
  it('returns the first value check gives', async () => {
    let calls = 0;
    const value = await pollUntil(async () => (++calls === 3 ? 'done' : undefined), {
      ...fast,
      timeoutMs: 5_000,
    });
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives undefined at the timeout and passes errors through', async () => {
    expect(await pollUntil(async () => undefined, { ...fast, timeoutMs: 20 })).toBeUndefined();
    await expect(
      pollUntil(
        async () => {
          throw new Error('failed');
        },
        { ...fast, timeoutMs: 1_000 },
      ),
    ).rejects.toThrow('failed');
  });

  it('stops when the signal fires', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expect(
      pollUntil(async () => undefined, { ...fast, timeoutMs: 60_000, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('settleEach', () => {
  it('keeps input order, isolates failures and bounds concurrency', async () => {
    let running = 0;
    let peak = 0;
    const outcomes = await settleEach([1, 2, 3, 4, 5, 6], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 6 - n));
      running--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(outcomes.map((o) => o.result ?? (o.error as Error).message)).toEqual([
      10,
      20,
      30,
      'four',
      50,
      60,
    ]);
    expect(peak).toBe(2);
  });

  it('handles no items', async () => {
    expect(await settleEach([], 4, async () => 1)).toEqual([]);
  });
});
