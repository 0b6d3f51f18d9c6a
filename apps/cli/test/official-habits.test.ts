import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe("the official CLI's habits", () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 0 });
  const lium = world.lium;

  it('ls --sort price_gpu and price_total map onto price and price-total', async () => {
    for (const [theirs, ours] of [
      ['price_gpu', 'price'],
      ['price_total', 'price-total'],
      ['download', 'download'],
    ] as const) {
      const a = await lium(['ls', '--json', '--sort', theirs]);
      const b = await lium(['ls', '--json', '--sort', ours]);
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(b.stdout);
    }
    const bad = await lium(['ls', '--sort', 'cheap']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sort must be one of');
  });

  it('rm -a stops every pod, as rm --all does', async () => {
    await lium(['ls', '--limit', '3']);
    expect((await lium(['up', '1', '-y', '--no-wait', '--name', 'h1'])).code).toBe(0);
    const result = await lium(['rm', '-a', '-y']);
    expect(result.code, result.stderr).toBe(0);
    const ps = JSON.parse((await lium(['ps', '--json'])).stdout) as unknown[];
    expect(ps).toHaveLength(0);
  });
});
