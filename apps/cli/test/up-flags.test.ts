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

  it('without --image the confirmation shows the estimate of the template the SDK rents with, per machine, slow ones warned', async () => {
    const listed = JSON.parse((await world.lium(['ls', '--json'])).stdout) as {
      index: number;
      huid: string;
      download_mbps: number | null;
    }[];
    const slow = listed.find((e) => (e.download_mbps ?? 0) < 500);
    const fast = listed.find((e) => (e.download_mbps ?? 0) >= 500);
    expect(slow, 'the seeded market has a machine below 500 Mbps').toBeDefined();
    expect(fast).toBeDefined();
    const estimates = () =>
      world.emulator.control.requests({ path: '/executors/deployment-estimate' });
    const executorsBefore = world.emulator.control.requests({ method: 'GET', path: '/executors' });
    const asked = estimates().length;
    const result = await world.lium([
      'up',
      `${fast?.index},${slow?.index}`,
      '--prefix',
      'est',
      '-y',
    ]);
    expect(result.code, result.stderr).toBe(0);
    // One line per machine, led by its HUID; the slow one warned.
    expect(result.stderr).toContain(`${fast?.huid}: expected to start in about`);
    expect(result.stderr).toContain(`${slow?.huid}: expected to start in about`);
    expect(result.stderr).toMatch(new RegExp(`${slow?.huid}: This machine has a slow network`));
    expect(result.stderr).not.toMatch(new RegExp(`${fast?.huid}: This machine has a slow`));
    // The estimate is for the template that was rented, and no extra GET /executors was made.
    const asks = estimates().slice(asked);
    expect(asks).toHaveLength(2);
    const rented = rentBodies()
      .slice(-2)
      .map((body) => body.template_id);
    for (const ask of asks) expect(rented).toContain(ask.query.template_id);
    // The one GET /executors of `up 1,2` (issue #13): choosing the template added none.
    expect(world.emulator.control.requests({ method: 'GET', path: '/executors' }).length).toBe(
      executorsBefore.length + 1,
    );
    expect((await world.lium(['down', 'all', '-y'])).code).toBe(0);
  }, 90_000);

  it('an estimate that fails is left out: the rent goes ahead', async () => {
    // Until removed: the client retries a 500 before giving up.
    const fault = world.emulator.control.addFault({
      path: '/executors/deployment-estimate',
      status: 500,
      times: null,
    });
    const result = await world.lium(['up', '--gpu', 'H100', '-n', 'noest', '-y']);
    world.emulator.control.removeFault(fault.id);
    expect(fault.hits).toBeGreaterThan(0);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('expected to start');
    expect((await world.lium(['down', 'noest', '-y'])).code).toBe(0);
  }, 90_000);

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
