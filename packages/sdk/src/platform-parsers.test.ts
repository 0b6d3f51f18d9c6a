import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wirePod } from '../test/fixtures.ts';
import { accountRunway, formatRunway } from './balance.ts';
import { toPodInfo, toVolumeInfo } from './models.ts';
import { parsePortMappings } from './port-forward.ts';
import { removalTime, scheduledRemovals } from './schedules.ts';
import {
  parseVolumeSpec,
  readVolumeSnapshot,
  resolveVolumeTargets,
  writeVolumeSnapshot,
} from './volumes.ts';

describe('parseVolumeSpec', () => {
  it('reads id:<HUID|id> and new:name=NAME[,desc=TEXT]', () => {
    expect(parseVolumeSpec('id:brave-fox-1a')).toEqual({ kind: 'existing', ref: 'brave-fox-1a' });
    expect(parseVolumeSpec('new:name=data')).toEqual({
      kind: 'new',
      name: 'data',
      description: '',
    });
    expect(parseVolumeSpec('new:name=data,desc=a, b=c')).toEqual({
      kind: 'new',
      name: 'data',
      description: 'a, b=c',
    });
    // desc comes last and takes the rest (it may hold commas), so a name after it is text.
    expect(() => parseVolumeSpec('NEW:desc=first,name=x')).toThrow(/name=NAME/);
  });

  it.each([
    ['data', /id:.*new:/],
    ['id:', /one volume/],
    ['id:a b', /one volume/],
    ['new:', /name=NAME/],
    ['new:name=', /name=NAME/],
    ['new:size=3', /unknown field "size"/],
    ['new:name=a,name=b', /twice/],
    ['new:name=../etc', /not a valid name/],
  ])('refuses %j with a usage error', (spec, why) => {
    expect(() => parseVolumeSpec(spec)).toThrow(why);
    try {
      parseVolumeSpec(spec);
    } catch (error) {
      expect(error).toMatchObject({ code: 'usage_error' });
    }
  });
});

describe('parsePortMappings', () => {
  it('reads PORT, PORT:LOCAL and several at once', () => {
    expect(parsePortMappings('8888')).toEqual([{ remotePort: 8888, localPort: undefined }]);
    expect(parsePortMappings(['8888:9999', '6006,7000:0'])).toEqual([
      { remotePort: 8888, localPort: 9999 },
      { remotePort: 6006, localPort: undefined },
      { remotePort: 7000, localPort: 0 },
    ]);
  });

  it.each(['', 'abc', '0', '70000', '1:2:3', '8888:-1', '1e3', '8888,8888', '80:90,90'])(
    'refuses %j, echoing what was typed',
    (spec) => {
      expect(() => parsePortMappings(spec)).toThrow();
      try {
        parsePortMappings(spec);
      } catch (error) {
        expect(error).toMatchObject({ code: 'usage_error' });
        expect((error as Error).message).not.toMatch(/NaN|undefined|\[object/);
      }
    },
  );
});

describe('removalTime and scheduledRemovals', () => {
  const now = new Date('2026-07-01T10:00:00Z');

  it('turns --in and --at into a time, refusing both, neither and the past', () => {
    expect(removalTime({ in: '2h' }, now).toISOString()).toBe('2026-07-01T12:00:00.000Z');
    expect(removalTime({ at: '2026-07-02T00:00:00Z' }, now).toISOString()).toBe(
      '2026-07-02T00:00:00.000Z',
    );
    expect(() => removalTime({}, now)).toThrow(/exactly one/);
    expect(() => removalTime({ in: '1h', at: 'today 23:00' }, now)).toThrow(/exactly one/);
    expect(() => removalTime({ at: '2026-06-30T00:00:00Z' }, now)).toThrow(/past/);
    expect(() => removalTime({ in: 'soon' }, now)).toThrow(/Invalid duration "soon"/);
  });

  it('lists scheduled pods soonest first with time left and cost until then', () => {
    const pods = [
      toPodInfo(wirePod({ id: 'a', removal_scheduled_at: '2026-07-01T14:00:00Z' })),
      toPodInfo(wirePod({ id: 'b', removal_scheduled_at: null })),
      toPodInfo(wirePod({ id: 'c', removal_scheduled_at: '2026-07-01T11:00:00Z' })),
    ];
    const list = scheduledRemovals(pods, now);
    expect(list.map((s) => [s.pod.id, s.inMs])).toEqual([
      ['c', 3_600_000],
      ['a', 14_400_000],
    ]);
    expect(list[1]?.costUsd).toBeCloseTo((pods[0]?.pricePerHour ?? 0) * 4, 2);
  });
});

describe('accountRunway and formatRunway', () => {
  it('divides the balance by the spend of billed pods only', () => {
    const running = toPodInfo(wirePod({ id: 'r', status: 'RUNNING' }));
    const stopped = toPodInfo(wirePod({ id: 's', status: 'STOPPED' }));
    const runway = accountRunway(42.1, [running, stopped], new Date(0));
    expect(runway.billedPods.map((p) => p.id)).toEqual(['r']);
    expect(runway.hourlyUsd).toBeCloseTo(running.pricePerHour, 4);
    expect(runway.runwayHours).toBeCloseTo(42.1 / running.pricePerHour, 4);
    expect(accountRunway(-3, [running]).runwayHours).toBe(0);
  });

  it('formats hours the way people read them', () => {
    expect(formatRunway(5 + 20 / 60)).toBe('5 h 20 m');
    expect(formatRunway(76)).toBe('3 d 4 h');
    expect(formatRunway(0.75)).toBe('45 m');
    expect(formatRunway(0.001)).toBe('< 1 m');
    expect(formatRunway(48)).toBe('2 d');
  });
});

describe('volume snapshots and targets', () => {
  const volume = (id: string, name: string) =>
    toVolumeInfo({ id, name, description: '', current_size_bytes: 0 } as never);

  it('remembers the list as shown, and resolves indices, HUIDs and names through it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lium-volumes-'));
    try {
      const a = volume('a0000000-0000-4000-8000-000000000001', 'data');
      const b = volume('b0000000-0000-4000-8000-000000000002', 'models');
      expect(await readVolumeSnapshot(dir)).toBeUndefined();
      await writeVolumeSnapshot(dir, [b, a]);
      const saved = JSON.parse(await readFile(join(dir, 'last_volumes.json'), 'utf8'));
      expect(saved.volumes[0]).toMatchObject({ id: b.id, huid: b.huid, name: 'models' });
      const snapshot = await readVolumeSnapshot(dir);
      expect(resolveVolumeTargets('1', [a, b], snapshot)).toEqual([b]);
      expect(resolveVolumeTargets(`data,${b.huid}`, [a, b], snapshot)).toEqual([a, b]);
      expect(() => resolveVolumeTargets('3', [a, b], snapshot)).toThrow(/no volume #3/);
      expect(() => resolveVolumeTargets('1', [a, b], undefined)).toThrow(
        /Cannot resolve volume index 1/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
