/**
 * Spend guard (issue #18 §4): `lium ps` marks pods nobody used from here for `budget.idle_after`
 * (and that have no removal scheduled), and `lium down --idle D` stops exactly those.
 */
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

interface PsRow {
  name: string;
  idle: boolean;
  last_activity_at: string | null;
}

describe('idle pods: marked by ps, stopped by down --idle', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 0 });
  const env = { LIUM_BUDGET_IDLE_AFTER: '3s' };
  const ps = async () =>
    JSON.parse((await world.lium(['ps', '--json'], { env })).stdout) as PsRow[];

  it('marks the unused pod, not the used one nor the one with a removal scheduled', async () => {
    for (const [name, extra] of [
      ['unused', []],
      ['used', []],
      ['scheduled', ['--ttl', '1h']],
    ] as const) {
      const up = await world.lium(['up', '--gpu', 'H100', '-y', '--name', name, ...extra]);
      expect(up.code, up.stderr).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect((await world.lium(['exec', 'used', 'true'])).code).toBe(0);
    const rows = await ps();
    const byName = new Map(rows.map((row) => [row.name, row]));
    expect(byName.get('unused')?.idle).toBe(true);
    expect(byName.get('used')?.idle).toBe(false);
    expect(byName.get('used')?.last_activity_at).not.toBeNull();
    expect(byName.get('scheduled')?.idle).toBe(false);
    const text = await world.lium(['ps'], { env });
    expect(text.stdout).toMatch(/unused\s+RUNNING idle \d+[smh]/);
    expect(text.stderr).toMatch(/1 idle .*`lium down --idle \d+s`/);
  }, 120_000);

  it('down --idle stops exactly the idle pods, after a confirmation', async () => {
    const refused = await world.lium(['down', '--idle', '3s']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('without confirmation');
    const down = await world.lium(['down', '--idle', '3s', '-y', '--json']);
    expect(down.code, down.stderr).toBe(0);
    const stopped = (JSON.parse(down.stdout) as { stopped: { name: string }[] }).stopped;
    expect(stopped.map((pod) => pod.name)).toEqual(['unused']);
    expect((await ps()).map((row) => row.name).sort()).toEqual(['scheduled', 'used']);
    const none = await world.lium(['down', '--idle', '5h', '-y']);
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('No pod is idle for 5h');
  }, 120_000);

  it('a bad --idle is a usage error, and --idle does not mix with targets or --all', async () => {
    expect((await world.lium(['down', '--idle', 'soon', '-y'])).code).toBe(2);
    expect((await world.lium(['down', 'used', '--idle', '2h', '-y'])).code).toBe(2);
    expect((await world.lium(['down', '--all', '--idle', '2h', '-y'])).code).toBe(2);
    expect((await ps()).length).toBe(2);
    expect((await world.lium(['down', '--all', '-y'])).code).toBe(0);
  });
});
