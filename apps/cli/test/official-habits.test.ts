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

describe('a stale LIUM_API_KEY', () => {
  const world = useEmulatorWorld({ executors: 2, readyDelayMs: 0 });

  it('the 401 says the key came from the environment and overrides config.ini', async () => {
    const stale = await world.lium(['ps'], { env: { LIUM_API_KEY: 'stale-key-123' } });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the key came from LIUM_API_KEY');
    expect(stale.stderr).toContain('overrides ~/.lium/config.ini');
    expect(stale.stderr).toContain('unset it to use the configured key');
    expect(stale.stderr).not.toContain('stale-key-123');
    const { LIUM_API_KEY: _unused, ...noEnvKey } = world.env;
    const flag = await world.lium(['ps', '--api-key', 'stale-key-123'], { env: noEnvKey });
    expect(flag.code).toBe(1);
    expect(flag.stderr).not.toContain('LIUM_API_KEY, which');
  });
});
