import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe('lium ls --lat/--lon/--max-distance', () => {
  const world = useEmulatorWorld({ executors: 40 });

  it('sends the server its geo filter and lists what it answers, negative coordinates too', async () => {
    const all = JSON.parse((await world.lium(['ls', '--json'])).stdout) as unknown[];
    world.emulator.control.clearRequests();
    const near = await world.lium([
      'ls',
      '--lat',
      '-33.87',
      '--lon',
      '151.21',
      '--max-distance',
      '1',
      '--json',
    ]);
    expect(near.code, near.stderr).toBe(0);
    const [call] = world.emulator.control.requests({ method: 'GET', path: '/executors' });
    expect(call?.query).toMatchObject({ lat: '-33.87', lon: '151.21', max_distance_mile: '1' });
    const nearCount = (JSON.parse(near.stdout) as unknown[]).length;
    expect(nearCount).toBeLessThan(all.length);
    const world_wide = await world.lium([
      'ls',
      '--lat=0',
      '--lon=0',
      '--max-distance',
      '13000',
      '--json',
    ]);
    expect(world_wide.code, world_wide.stderr).toBe(0);
    expect(JSON.parse(world_wide.stdout)).toHaveLength(all.length);
    const human = await world.lium([
      'ls',
      '--lat',
      '-33.87',
      '--lon',
      '151.21',
      '--max-distance',
      '1',
    ]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain(
      nearCount === 0 ? 'No machines match' : `${nearCount} machine${nearCount === 1 ? '' : 's'}`,
    );
  });

  it('refuses a partial or out-of-range filter before asking the server', async () => {
    world.emulator.control.clearRequests();
    const partial = await world.lium(['ls', '--lat', '10', '--lon', '20']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('go together');
    const range = await world.lium(['ls', '--lat', '91', '--lon', '0', '--max-distance', '5']);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('latitude');
    const negative = await world.lium(['ls', '--lat', '1', '--lon', '0', '--max-distance', '-5']);
    expect(negative.code).toBe(2);
    expect(world.emulator.control.requests({ method: 'GET', path: '/executors' })).toEqual([]);
  });
});
