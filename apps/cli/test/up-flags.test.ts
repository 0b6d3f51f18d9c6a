import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe('lium up: the official flags (issue #15)', () => {
  const world = useEmulatorWorld({ executors: 12, readyDelayMs: 50 });
  const rentBodies = () =>
    world.emulator.control
      .requests({ method: 'POST', path: '/executors/*/rent' })
      .map((request) => request.body as Record<string, unknown>);

  it('-n/-c aliases, --ports and --volume new: reach the rent', async () => {
    const result = await world.lium([
      'up',
      '--gpu',
      'H100',
      '-c',
      '1',
      '-n',
      'flagged',
      '-y',
      '--ports',
      '2',
      '--volume',
      'new:name=data1,desc=datasets',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [pod] = JSON.parse(result.stdout) as { name: string }[];
    expect(pod?.name).toBe('flagged');
    const body = rentBodies().at(-1);
    expect(body?.initial_port_count).toBe(2);
    expect(typeof body?.volume_id).toBe('string');
    const volumes = world.emulator.control.requests({ method: 'POST', path: '/volumes' });
    expect(volumes.length).toBe(1);
    expect((await world.lium(['down', 'flagged', '-y'])).code).toBe(0);
  });

  it('-t is --template_id and the confirmation shows the deployment estimate', async () => {
    const templates = JSON.parse((await world.lium(['templates', '--json'])).stdout) as {
      id: string;
    }[];
    const id = templates[0]?.id as string;
    const result = await world.lium(['up', '--gpu', 'H100', '-t', id, '-n', 'tpl', '-y']);
    expect(result.code, result.stderr).toBe(0);
    expect(rentBodies().at(-1)?.template_id).toBe(id);
    expect(
      world.emulator.control.requests({ path: '/executors/deployment-estimate' }).length,
    ).toBeGreaterThan(0);
    expect((await world.lium(['down', 'tpl', '-y'])).code).toBe(0);
  });

  it('refuses a bad --volume, and more --ports than the machine has, before renting', async () => {
    const before = rentBodies().length;
    const bad = await world.lium(['up', '--gpu', 'H100', '-y', '--volume', 'nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--volume');
    expect(bad.stderr).not.toMatch(/^\s+at /m);
    const ports = await world.lium(['up', '--gpu', 'H100', '-y', '--ports', '100000']);
    expect(ports.code).toBe(1);
    expect(ports.stderr).toContain('--ports');
    expect(rentBodies().length).toBe(before);
  });
});
