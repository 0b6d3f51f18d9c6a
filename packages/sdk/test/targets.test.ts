import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Lium, PodInfo } from '../src/index.ts';
import { chooseScopedSnapshot, snapshotScope } from '../src/scoped-snapshots.ts';
import { useEmulator } from './harness.ts';

// Target resolution the way the CLI uses it: snapshots of what the user saw, against the live
// emulator, with stale and expired snapshots, duplicate names and bad input.
const h = useEmulator();
let lium: Lium;
let pods: PodInfo[];

beforeAll(async () => {
  lium = h.newLium();
  const executors = await lium.listExecutors();
  // Not waiting for readiness: targets only need the pods to be listed.
  pods = [];
  for (const [i, name] of ['alpha', 'twin', 'twin', 'omega'].entries()) {
    pods.push(await lium.startPod({ executorId: executors[i]!.id, podName: name }));
  }
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

  it("uses another shell's ps only when unambiguous, and says so (issue #11 item 2)", async () => {
    const dir = join(h.dir, 'fallback-config');
    const warnings: string[] = [];
    // Two shells still open (this test's process and its parent).
    const first = h.newLium({ configDir: dir, shellPid: process.pid });
    await first.rememberPods([pods[0]!, pods[3]!]);
    const second = h.newLium({ configDir: dir, shellPid: process.ppid });
    await second.rememberPods([pods[3]!, pods[0]!]);
    const other = h.newLium({
      configDir: dir,
      shellPid: 102,
      onWarning: (message) => warnings.push(message),
    });
    // Two shells showed different lists: which "1" is meant is unknowable.
    await expect(other.resolvePods('1')).rejects.toMatchObject({
      code: 'no_snapshot',
      message: expect.stringContaining('2 other shells showed different ones'),
    });
    // Each shell's own listing always wins.
    expect(ids(await first.resolvePods('1'))).toEqual([pods[0]!.id]);
    expect(ids(await second.resolvePods('1'))).toEqual([pods[3]!.id]);
    await second.rememberPods([pods[0]!, pods[3]!]);
    expect(ids(await other.resolvePods('1'))).toEqual([pods[0]!.id]);
    expect(warnings).toEqual([
      expect.stringMatching(/another shell \(pid \d+\) at \d\d:\d\d:\d\d\.$/),
    ]);
  });

  it('of shells that have exited, uses the newest list only (sh -c per command)', async () => {
    const dir = join(h.dir, 'exited-config');
    const warnings: string[] = [];
    // Above any pid_max (2^22), so no process: each `sh -c 'lium ps'` of a script is gone once it printed.
    const early = h.newLium({ configDir: dir, shellPid: 4_200_001 });
    await early.rememberPods([pods[0]!, pods[3]!]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = h.newLium({ configDir: dir, shellPid: 4_200_002 });
    await later.rememberPods([pods[3]!, pods[0]!]);
    const next = h.newLium({
      configDir: dir,
      shellPid: 4_200_003,
      onWarning: (message) => warnings.push(message),
    });
    expect(ids(await next.resolvePods('1'))).toEqual([pods[3]!.id]);
    expect(warnings).toEqual([expect.stringContaining('another shell (pid 4200002)')]);
    // A shell still open with another list makes "1" ambiguous again.
    const open = h.newLium({ configDir: dir, shellPid: process.pid });
    await open.rememberPods([pods[0]!]);
    await expect(next.resolvePods('1')).rejects.toMatchObject({ code: 'no_snapshot' });
  });

  it('keeps lists of other APIs and accounts apart (issue #11 item 2)', async () => {
    const dir = join(h.dir, 'scope-config');
    const mine = h.newLium({ configDir: dir, shellPid: 200 });
    await mine.rememberPods([pods[3]!]);
    const [file] = (await readdir(dir)).filter((name) => name.startsWith('last_ps.'));
    const written = JSON.parse(await readFile(join(dir, file!), 'utf8')) as { scope: string };
    for (const scope of [
      snapshotScope('http://127.0.0.1:1/api', 'key-a'),
      snapshotScope('https://lium.io/api', 'key-a'),
      snapshotScope('http://127.0.0.1:1/api', 'key-b'),
    ]) {
      expect(scope).not.toBe(written.scope);
      expect(await chooseScopedSnapshot(dir, 'ps', { shellPid: 200, scope })).toEqual({
        kind: 'none',
      });
    }
    expect(
      await chooseScopedSnapshot(dir, 'ps', { shellPid: 200, scope: written.scope }),
    ).toMatchObject({
      kind: 'own',
      snapshot: { ids: [pods[3]!.id] },
    });
    // The scope is a hash: the file never holds the API key.
    expect(JSON.stringify(written)).not.toMatch(/key/i);
  });

  it('deletes expired lists of shells that have exited when writing', async () => {
    const dir = join(h.dir, 'prune-config');
    const live = h.newLium({ configDir: dir, shellPid: process.pid });
    await live.rememberPods([pods[0]!]);
    const dead = join(dir, 'last_ps.2147483646.json');
    const alive = join(dir, `last_ps.${process.ppid}.json`);
    for (const file of [dead, alive]) {
      await writeFile(file, '{}');
      const hourAgo = new Date(Date.now() - 3_600_000);
      await utimes(file, hourAgo, hourAgo);
    }
    await live.rememberPods([pods[0]!]);
    const files = await readdir(dir);
    expect(files).not.toContain('last_ps.2147483646.json');
    expect(files).toContain(`last_ps.${process.ppid}.json`);
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
    await old.rememberPods([pods[0]!]);
    const file = join(h.configDir, 'last_ps.777.json');
    const written = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    written.timestamp = new Date(Date.now() - 11 * 60_000).toISOString();
    await writeFile(file, JSON.stringify(written));
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
    await mkdir(dir, { recursive: true });
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
