import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lium, PodInfo } from '../src/index.ts';
import { type Harness, startHarness } from './harness.ts';

// Target resolution the way the CLI uses it: snapshots of what the user saw, against the live
// emulator, with stale and expired snapshots, duplicate names and bad input.
let h: Harness;
let lium: Lium;
let pods: PodInfo[];

beforeAll(async () => {
  h = await startHarness();
  lium = h.newLium();
  const executors = await lium.listExecutors();
  // Not waiting for readiness: targets only need the pods to be listed.
  pods = [];
  for (const [i, name] of ['alpha', 'twin', 'twin', 'omega'].entries()) {
    pods.push(await lium.startPod({ executorId: executors[i]!.id, podName: name }));
  }
});
afterAll(async () => {
  await h?.close();
});

const ids = (list: { id: string }[]) => list.map((p) => p.id);

describe('resolvePods', () => {
  it('maps indices through the snapshot of the last ps, in the order shown', async () => {
    const shown = [pods[3]!, pods[0]!, pods[1]!, pods[2]!];
    await lium.rememberPods(shown);
    expect(ids(await lium.resolvePods('1'))).toEqual([pods[3]!.id]);
    expect(ids(await lium.resolvePods('2-3,1'))).toEqual([pods[0]!.id, pods[1]!.id, pods[3]!.id]);
    expect(ids(await lium.resolvePods('all'))).toEqual(ids(shown));
  });

  it('resolves HUIDs, ids and unique names without a snapshot', async () => {
    const other = h.newLium({ shellPid: 1 });
    expect(ids(await other.resolvePods(`alpha,${pods[3]!.huid},${pods[1]!.id}`))).toEqual([
      pods[0]!.id,
      pods[3]!.id,
      pods[1]!.id,
    ]);
  });

  it('refuses a name two pods share, listing both', async () => {
    const error = await lium.resolvePods('twin').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'target_ambiguous',
      candidates: [`${pods[1]!.huid} (twin)`, `${pods[2]!.huid} (twin)`],
    });
  });

  it('refuses unknown targets and says what exists', async () => {
    await expect(lium.resolvePods('nope')).rejects.toMatchObject({
      code: 'target_not_found',
      hint: expect.stringContaining(`${pods[0]!.huid} (alpha)`),
    });
  });

  it.each(['', '0', '3-1', ',', '1-'])('refuses malformed input %j', async (spec) => {
    await expect(lium.resolvePods(spec)).rejects.toMatchObject({
      code: expect.stringMatching(/^target_(invalid|not_found)$/),
    });
  });

  it('falls back to the newest unexpired ps of another shell (timeout, sh -c per command)', async () => {
    const dir = join(h.dir, 'fallback-config');
    const first = h.newLium({ configDir: dir, shellPid: 100 });
    await first.rememberPods([pods[0]!, pods[3]!]);
    await new Promise((resolve) => setTimeout(resolve, 10)); // a strictly newer timestamp
    const newest = h.newLium({ configDir: dir, shellPid: 101 });
    await newest.rememberPods([pods[3]!, pods[0]!]);
    const other = h.newLium({ configDir: dir, shellPid: 102 });
    expect(ids(await other.resolvePods('1'))).toEqual([pods[3]!.id]);
    // This shell's own listing still comes first.
    expect(ids(await first.resolvePods('1'))).toEqual([pods[0]!.id]);
  });

  it('refuses indices when no shell has a recent snapshot', async () => {
    const fresh = h.newLium({ configDir: join(h.dir, 'empty-config'), shellPid: 999 });
    await expect(fresh.resolvePods('1')).rejects.toMatchObject({
      code: 'no_snapshot',
      hint: expect.stringContaining('lium.rememberPods()'),
    });
  });

  it('refuses indices from a snapshot older than 10 minutes', async () => {
    const old = h.newLium({ shellPid: 777 });
    await writeFile(
      join(h.configDir, 'last_ps.777.json'),
      JSON.stringify({
        timestamp: new Date(Date.now() - 11 * 60_000).toISOString(),
        pods: [{ id: pods[0]!.id, huid: pods[0]!.huid, name: 'alpha' }],
      }),
    );
    await expect(old.resolvePods('1')).rejects.toMatchObject({
      code: 'no_snapshot',
      message: expect.stringContaining('10 minutes'),
    });
  });

  it('refuses an index whose pod is gone (stale snapshot) but still resolves the others', async () => {
    const own = h.newLium({ shellPid: 555 });
    const [executor] = await own.listExecutors({ gpuCount: 1 });
    const doomed = await own.startPod({ executorId: executor!.id, podName: 'doomed' });
    await own.rememberPods([doomed, pods[0]!]);
    await own.stopPod(doomed);
    await expect(own.resolvePods('1')).rejects.toMatchObject({
      code: 'target_not_found',
      message: expect.stringContaining('no longer exists'),
    });
    expect(ids(await own.resolvePods('2'))).toEqual([pods[0]!.id]);
    await expect(own.resolvePods('3')).rejects.toMatchObject({ code: 'target_not_found' });
  });
});

describe('resolveExecutors', () => {
  it('maps indices through last_selection.json and refuses "all"', async () => {
    const own = h.newLium({ configDir: join(h.dir, 'exec-config') });
    await expect(own.resolveExecutors('1')).rejects.toMatchObject({ code: 'no_snapshot' });
    const shown = (await own.listExecutors({ gpuCount: 2 })).slice(0, 3);
    await own.rememberExecutors(shown);
    expect(ids(await own.resolveExecutors('1,3'))).toEqual([shown[0]!.id, shown[2]!.id]);
    expect(ids(await own.resolveExecutors(shown[1]!.huid))).toEqual([shown[1]!.id]);
    await expect(own.resolveExecutors('all')).rejects.toMatchObject({ code: 'target_invalid' });
  });

  it('refuses an index whose executor was rented since the list was shown', async () => {
    const own = h.newLium({ configDir: join(h.dir, 'exec-config-2') });
    const shown = (await own.listExecutors({ gpuCount: 1 })).slice(0, 2);
    await own.rememberExecutors(shown);
    const pod = await own.startPod({ executorId: shown[0]!.id, podName: 'took-it' });
    await expect(own.resolveExecutors('1')).rejects.toMatchObject({
      code: 'target_not_found',
      message: expect.stringContaining('no longer exists'),
    });
    expect(ids(await own.resolveExecutors('2'))).toEqual([shown[1]!.id]);
    await own.stopPod(pod);
  });

  it('reads a last_selection.json written by the Python CLI', async () => {
    const dir = join(h.dir, 'python-config');
    const own = h.newLium({ configDir: dir });
    const [executor] = await own.listExecutors();
    await own.rememberExecutors([]); // creates the directory
    await writeFile(
      join(dir, 'last_selection.json'),
      JSON.stringify({
        timestamp: '2026-06-29T10:00:00.123456',
        executors: [
          {
            id: executor!.id,
            huid: executor!.huid,
            gpu_type: executor!.gpuType,
            gpu_count: executor!.gpuCount,
            price_per_hour: executor!.pricePerHour,
            location: 'Unknown',
          },
        ],
      }),
    );
    expect(ids(await own.resolveExecutors('1'))).toEqual([executor!.id]);
  });
});
