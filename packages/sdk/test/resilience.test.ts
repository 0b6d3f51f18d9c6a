import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExecuteManyEvent, Lium, PodInfo } from '../src/index.ts';
import { useEmulator } from './harness.ts';

// Faults injected through the emulator's control API: lost rent answers, failed creations,
// pods that refuse SSH in the middle of a fan-out.
const h = useEmulator({ executors: 120 });
let lium: Lium;

beforeAll(async () => {
  lium = h.newLium();
});

async function podsNamed(name: string): Promise<PodInfo[]> {
  return (await lium.listPods()).filter((p) => p.name === name);
}

describe('startPod under faults', () => {
  it.each(['after', 'before'] as const)(
    'rents exactly once when the connection resets %s the server handled the rent',
    async (when) => {
      const name = `reset-${when}`;
      const [executor] = await lium.listExecutors({ gpuCount: 1 });
      h.emu.control.clearRequests();
      h.emu.control.addFault({ method: 'POST', path: '/executors/*/rent', reset: when, times: 1 });

      const pod = await lium.startPod({ executorId: executor!.id, podName: name });

      expect(await podsNamed(name)).toHaveLength(1);
      expect((await podsNamed(name))[0]?.id).toBe(pod.id);
      const rents = h.emu.control.requests({ method: 'POST', path: '/executors/*/rent' });
      expect(rents.length).toBeGreaterThanOrEqual(1);
      expect(new Set(rents.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      await lium.stopPod(pod);
    },
  );

  it('reuses the pod of a name on a retried start instead of renting a second', async () => {
    const [executor] = await lium.listExecutors({ gpuCount: 2 });
    const first = await lium.startPod({
      executorId: executor!.id,
      podName: 'retry-me',
      ifExists: 'reuse',
    });
    const second = await lium.startPod({
      executorId: executor!.id,
      podName: 'retry-me',
      ifExists: 'reuse',
    });
    expect(second.id).toBe(first.id);
    expect(await podsNamed('retry-me')).toHaveLength(1);
    await lium.stopPod(first);
  });
});

describe('waitForPodReady', () => {
  it('fails fast with the reason when creation fails', async () => {
    const [executor] = await lium.listExecutors({ gpuCount: 4 });
    h.emu.control.failNextRents(1);
    const pod = await lium.startPod({ executorId: executor!.id, podName: 'doomed' });
    const statuses: string[] = [];
    const error = await lium
      .waitForPodReady(pod, { timeoutMs: 120_000, onStatus: (p) => statuses.push(p.status) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'pod_failed',
      status: 'CREATION_FAILED',
      podId: pod.id,
      message: expect.stringMatching(/failed to start .*: Container failed to start/),
    });
    expect(statuses.at(-1)).toBe('CREATION_FAILED');
  });

  it('honours the signal', async () => {
    const [executor] = await lium.listExecutors({ gpuCount: 8 });
    const slow = h.newLium();
    h.emu.control.addFault({ method: 'GET', path: '/pods/*', latencyMs: 50 });
    const pod = await slow.startPod({ executorId: executor!.id, podName: 'aborted-wait' });
    const controller = new AbortController();
    controller.abort();
    await expect(slow.waitForPodReady(pod, { signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    h.emu.control.clearFaults();
    await slow.stopPod(pod);
  });

  it('reports pod_not_ready at the timeout while SSH is refused', async () => {
    const [executor] = await lium.listExecutors({ gpuCount: 1 });
    const pod = await lium.startPod({ executorId: executor!.id, podName: 'no-ssh' });
    h.emu.control.setPodFaults(pod.id, { refuseConnections: true });
    await expect(lium.waitForPodReady(pod, { timeoutMs: 1_500 })).rejects.toMatchObject({
      code: 'pod_not_ready',
      message: expect.stringContaining('SSH'),
    });
    await lium.stopPod(pod);
  });
});

describe('fan-out', () => {
  it('runs on 20 pods at once; one refusing SSH and one failing do not stop the others', async () => {
    const setup = h.newLium();
    const executors = (await setup.listExecutors()).slice(0, 20);
    expect(executors).toHaveLength(20);
    const started = await Promise.all(
      executors.map((e, i) => setup.startPod({ executorId: e.id, podName: `fan-${i}` })),
    );
    const pods = await Promise.all(
      started.map((p) => setup.waitForPodReady(p, { timeoutMs: 60_000 })),
    );

    // Each pod has its own filesystem: a marker on one makes only that one fail.
    const failing = pods[3]!;
    const refusing = pods[11]!;
    await setup.executeCommand(failing, 'touch /root/marker');
    h.emu.control.setPodFaults(refusing.id, { refuseConnections: true });
    await setup.close(); // drop pooled connections so the refusal is seen
    const fresh = h.newLium();

    const events: ExecuteManyEvent[] = [];
    for await (const event of fresh.executeMany(
      pods,
      'echo "pod $POD_TAG"; test ! -f /root/marker',
      { concurrency: 6, env: { POD_TAG: 'ok' } },
    )) {
      events.push(event);
    }

    const results = events.filter((e) => e.type === 'result');
    expect(results).toHaveLength(20);
    const byPod = new Map(results.map((r) => [r.pod.id, r]));
    expect(byPod.get(refusing.id)?.error).toMatchObject({ code: expect.stringMatching(/^ssh_/) });
    expect(byPod.get(failing.id)?.result).toMatchObject({ exitCode: 1, success: false });
    const succeeded = results.filter((r) => r.result?.success);
    expect(succeeded).toHaveLength(18);

    const lines = events.filter((e) => e.type === 'line');
    for (const pod of pods) {
      if (pod.id === refusing.id) continue;
      expect(lines.filter((l) => l.pod.id === pod.id).map((l) => l.line)).toEqual(['pod ok']);
    }

    // Transfers to and from all of them run in parallel, with the same isolation of failures.
    const local = join(h.dir, 'fan.txt');
    await writeFile(local, 'to every pod\n');
    const progressed = new Set<string>();
    const uploads = await fresh.uploadToMany(pods, local, '/root/fan.txt', {
      concurrency: 5,
      onProgress: (p) => progressed.add(p.id),
    });
    expect(uploads.map((u) => u.pod.id)).toEqual(pods.map((p) => p.id));
    expect(uploads.filter((u) => u.error).map((u) => u.pod.id)).toEqual([refusing.id]);
    expect(progressed.size).toBe(19);
    const downloads = await fresh.downloadFromMany(pods, '/root/fan.txt', join(h.dir, 'fan-back'));
    const fetched = downloads.flatMap((d) => (d.result ? [d.result.localPath] : []));
    expect(fetched).toHaveLength(19);
    expect(fetched[0]).toBe(join(h.dir, 'fan-back', pods[0]!.huid, 'fan.txt'));
    expect(await readFile(fetched[0]!, 'utf8')).toBe('to every pod\n');

    h.emu.control.setPodFaults(refusing.id, { refuseConnections: false });
    const stopped = await fresh.stopPods(pods, { concurrency: 5 });
    expect(stopped.map((s) => [s.pod.id, s.result])).toEqual(pods.map((p) => [p.id, true]));
    expect((await fresh.listPods()).filter((p) => p.name.startsWith('fan-'))).toEqual([]);
  }, 180_000);
});
