import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wireExecutor } from '../test/fixtures.ts';
import { toExecutorInfo } from './models.ts';
import {
  podSnapshotFile,
  readExecutorSnapshot,
  readPodSnapshot,
  writeExecutorSnapshot,
  writePodSnapshot,
} from './snapshots.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lium-sdk-snap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('executor snapshot', () => {
  it('writes the official CLI’s last_selection.json shape and reads it back', async () => {
    const e = toExecutorInfo(wireExecutor());
    await writeExecutorSnapshot(dir, [e], new Date(2026, 5, 29, 10, 0, 0));
    const raw = JSON.parse(await readFile(join(dir, 'last_selection.json'), 'utf8'));
    expect(raw).toEqual({
      timestamp: '2026-06-29T10:00:00.000000',
      executors: [
        {
          id: e.id,
          huid: e.huid,
          gpu_type: 'H100',
          gpu_count: 8,
          price_per_hour: 20,
          location: 'United States',
        },
      ],
    });
    const snap = await readExecutorSnapshot(dir);
    expect(snap?.executors.map((x) => x.id)).toEqual([e.id]);
  });

  it('reads a file written by the Python CLI', async () => {
    await writeFile(
      join(dir, 'last_selection.json'),
      JSON.stringify({
        timestamp: '2026-06-29T10:00:00.123456',
        executors: [
          {
            id: 'x',
            huid: 'calm-fox-01',
            gpu_type: 'A100',
            gpu_count: 1,
            price_per_hour: 1.2,
            location: 'Unknown',
          },
        ],
      }),
    );
    expect((await readExecutorSnapshot(dir))?.executors[0]).toMatchObject({
      id: 'x',
      gpuType: 'A100',
    });
  });

  it('is undefined when missing or corrupt', async () => {
    expect(await readExecutorSnapshot(dir)).toBeUndefined();
    await writeFile(join(dir, 'last_selection.json'), '{not json');
    expect(await readExecutorSnapshot(dir)).toBeUndefined();
  });
});

describe('pod snapshot', () => {
  const pods = [
    { id: 'p1', huid: 'swift-hawk-01', name: 'a' },
    { id: 'p2', huid: 'brave-lion-02', name: 'b' },
  ];

  it('is per shell and expires after 10 minutes', async () => {
    const now = new Date('2026-06-29T10:00:00Z');
    await writePodSnapshot(dir, pods, { shellPid: 111, now });
    expect(await readPodSnapshot(dir, { shellPid: 222, now })).toBeUndefined();
    const fresh = await readPodSnapshot(dir, {
      shellPid: 111,
      now: new Date('2026-06-29T10:09:59Z'),
    });
    expect(fresh).toMatchObject({ expired: false, pods });
    const old = await readPodSnapshot(dir, {
      shellPid: 111,
      now: new Date('2026-06-29T10:10:01Z'),
    });
    expect(old?.expired).toBe(true);
  });

  it('prunes other shells’ expired snapshots', async () => {
    await writeFile(podSnapshotFile(dir, 5), '{}');
    await writeFile(podSnapshotFile(dir, 6), '{}');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(podSnapshotFile(dir, 5), hourAgo, hourAgo);
    await writePodSnapshot(dir, pods, { shellPid: 7 });
    expect((await readdir(dir)).sort()).toEqual(['last_ps.6.json', 'last_ps.7.json']);
  });
});
