import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe('spend guards: budget.max_price, budget.max_hourly and the balance runway', () => {
  const world = useEmulatorWorld({ executors: 12, readyDelayMs: 50 });

  it('up refuses a machine above budget.max_price, with the numbers, and rents nothing', async () => {
    const before = world.rents();
    const result = await world.lium(['up', '--gpu', 'H100', '-y'], {
      env: { LIUM_BUDGET_MAX_PRICE: '0.01' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('above budget.max_price $0.01');
    expect(result.stderr).toContain('--allow-over-budget');
    expect(world.rents()).toBe(before);
  });

  it('run refuses beyond budget.max_hourly too', async () => {
    const before = world.rents();
    const result = await world.lium(['run', '--gpu', 'H100', '-y', '--', 'true'], {
      env: { LIUM_BUDGET_MAX_HOURLY: '0.01' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('budget.max_hourly');
    expect(world.rents()).toBe(before);
  });

  it('--allow-over-budget rents anyway; the confirmation says how long the balance lasts', async () => {
    const result = await world.lium(
      ['up', '--gpu', 'H100', '-y', '--name', 'over', '--allow-over-budget', '--ttl', '3000d'],
      { env: { LIUM_BUDGET_MAX_PRICE: '0.01' } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Over budget (allowed)');
    expect(result.stderr).toMatch(/balance: \$[\d,.]+ lasts about .+ at \$[\d.]+\/h/);
    expect(result.stderr).toContain('scheduled removal is after the balance runs out');
    expect((await world.lium(['down', 'over', '-y'])).code).toBe(0);
  });

  it('a bad budget value is one line naming the key', async () => {
    const result = await world.lium(['up', '--gpu', 'H100', '-y'], {
      env: { LIUM_BUDGET_MAX_PRICE: 'cheap' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('budget.max_price');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
