import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Lium, PodInfo, PreconnectOutcome } from '../src/index.ts';
import { snapshotScope, writeScopedSnapshot } from '../src/scoped-snapshots.ts';
import { type Harness, startHarness } from './harness.ts';

// `resolvePods('1', { preconnect: true })` against the emulator's real pods: the handshake to
// the address the last listing kept starts while the API answers, and every way the API can
// contradict the snapshot ends with the speculative connection closed and the API's answer used.
let h: Harness;
let lium: Lium;
let a: PodInfo;
let b: PodInfo;
const SHELL = 4242;

beforeAll(async () => {
  h = await startHarness();
  lium = h.newLium();
  const executors = await lium.listExecutors();
  const started = await Promise.all(
    ['spec-a', 'spec-b'].map((podName, i) =>
      lium.startPod({ executorId: executors[i]!.id, podName }),
    ),
  );
  // Ready means one handshake each: both host keys are pinned from here on.
  [a, b] = (await Promise.all(started.map((pod) => lium.waitForPodReady(pod)))) as [
    PodInfo,
    PodInfo,
  ];
}, 120_000);
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.emu.control.clearFaults();
});

/** A fresh Lium (own empty pool) resolving `spec` with preconnect, and what became of it. */
async function resolveWith(spec: string): Promise<{
  lium: Lium;
  outcome: PreconnectOutcome | undefined;
  result: PodInfo[] | unknown;
}> {
  const fresh = h.newLium();
  let outcome: PreconnectOutcome | undefined;
  const result = await fresh
    .resolvePods(spec, { preconnect: true, onPreconnect: (o) => (outcome = o) })
    .catch((error: unknown) => error);
  return { lium: fresh, outcome, result };
}

/** Writes this shell's pod list by hand: ids in order, and the SSH command kept for each. */
async function rememberRaw(ids: string[], ssh: Record<string, string>): Promise<void> {
  await writeScopedSnapshot(h.configDir, 'ps', ids, {
    shellPid: SHELL,
    scope: snapshotScope(h.emu.baseUrl, h.emu.apiKey),
    ssh,
  });
}

const podIdOn = async (client: Lium, pod: PodInfo) =>
  (await client.executeCommand(pod, 'echo $LIUM_POD_ID')).stdout.trim();

describe('resolvePods with preconnect', () => {
  it('keeps the SSH address of each pod in the listing it remembers', async () => {
    await lium.rememberPods([a, b]);
    const file = join(h.configDir, `last_ps.${SHELL}.json`);
    const written = JSON.parse(await readFile(file, 'utf8')) as { ssh: Record<string, string> };
    expect(written.ssh).toEqual({ [a.id]: a.sshCmd, [b.id]: b.sshCmd });
  });

  it('handshakes while the API is still answering, and the command uses that connection', async () => {
    await lium.rememberPods([a, b]);
    h.emu.control.addFault({ method: 'GET', path: '/pods', latencyMs: 1500 });
    const fresh = h.newLium();
    const pool = await fresh.getSshPool();
    let outcome: PreconnectOutcome | undefined;
    let answered = false;
    const resolving = fresh
      .resolvePods('1', { preconnect: true, onPreconnect: (o) => (outcome = o) })
      .finally(() => {
        answered = true;
      });
    let connectingBeforeAnswer = false;
    while (!answered) {
      if (pool.size === 1) connectingBeforeAnswer = true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [pod] = await resolving;
    expect(connectingBeforeAnswer).toBe(true);
    expect(outcome).toEqual({ kind: 'used', podId: a.id });
    expect(await podIdOn(fresh, pod!)).toBe(a.id);
    expect(pool.size).toBe(1);
  });

  it('a cold command on an index costs one API request, the GET /pods that confirms the pod', async () => {
    await lium.rememberPods([a, b]);
    const requests: string[] = [];
    const fresh = h.newLium({
      api: { retryBaseDelayMs: 5, onRequest: (e) => requests.push(`${e.method} ${e.path}`) },
    });
    let outcome: PreconnectOutcome | undefined;
    const [pod] = await fresh.resolvePods('1', {
      preconnect: true,
      onPreconnect: (o) => (outcome = o),
    });
    expect(outcome).toEqual({ kind: 'used', podId: a.id });
    expect(await podIdOn(fresh, pod!)).toBe(a.id);
    await fresh.close();
    expect(requests).toEqual(['GET /pods']);
  });

  it('is not tried for lists, names or all', async () => {
    await lium.rememberPods([a, b]);
    for (const spec of ['1,2', '1-2', 'all', 'spec-a']) {
      const { outcome } = await resolveWith(spec);
      expect(outcome, spec).toEqual({ kind: 'skipped', reason: 'not_one_index' });
    }
  });

  it('pod gone: the index fails as before and no connection is left', async () => {
    const listing = h.newLium();
    const executors = await listing.listExecutors();
    const doomed = await listing.waitForPodReady(
      await listing.startPod({ executorId: executors[5]!.id, podName: 'spec-doomed' }),
    );
    await lium.rememberPods([doomed, a]);
    // Removed behind this client's back: the pin stays, the API no longer lists the pod.
    const response = await fetch(`${h.emu.baseUrl}/pods/${doomed.id}`, {
      method: 'DELETE',
      headers: { 'X-API-KEY': h.emu.apiKey },
    });
    expect(response.ok).toBe(true);
    const { lium: fresh, outcome, result } = await resolveWith('1');
    expect(result).toMatchObject({ code: 'target_not_found' });
    expect(outcome).toEqual({ kind: 'discarded', podId: doomed.id, reason: 'pod_gone' });
    expect((await fresh.getSshPool()).size).toBe(0);
  });

  it("another pod's address remembered for the index: the API's address is used", async () => {
    await rememberRaw([b.id], { [b.id]: a.sshCmd! });
    const { lium: fresh, outcome, result } = await resolveWith('1');
    expect(outcome).toEqual({ kind: 'discarded', podId: b.id, reason: 'address_changed' });
    const [pod] = result as PodInfo[];
    expect(pod!.id).toBe(b.id);
    expect(await podIdOn(fresh, pod!)).toBe(b.id);
  });

  it('an address that reaches the right pod but differs from the API answer is closed first', async () => {
    // Same server, other spelling: the handshake succeeds with the pinned key, yet the API
    // names 127.0.0.1, so the speculative connection must go and a new one is made.
    await rememberRaw([a.id], { [a.id]: a.sshCmd!.replace('@127.0.0.1 ', '@localhost ') });
    const { lium: fresh, outcome, result } = await resolveWith('1');
    expect(outcome).toEqual({ kind: 'discarded', podId: a.id, reason: 'address_changed' });
    const pool = await fresh.getSshPool();
    expect(pool.size).toBe(0);
    expect(await podIdOn(fresh, (result as PodInfo[])[0]!)).toBe(a.id);
    expect(pool.size).toBe(1);
  });

  it('a changed host key fails the speculation quietly; the command then reports the mismatch', async () => {
    const pinFile = join(h.configDir, 'known_hosts', a.id);
    const pin = await readFile(pinFile, 'utf8');
    const other = await readFile(join(h.configDir, 'known_hosts', b.id), 'utf8');
    await lium.rememberPods([a]);
    try {
      // As if pod a had been rebuilt: the pin no longer matches what the server presents.
      await writeFile(pinFile, other);
      const { lium: fresh, outcome, result } = await resolveWith('1');
      expect(outcome).toEqual({ kind: 'failed', podId: a.id });
      await expect(podIdOn(fresh, (result as PodInfo[])[0]!)).rejects.toMatchObject({
        code: 'ssh_host_key_mismatch',
      });
      expect(await readFile(pinFile, 'utf8')).toBe(other);
    } finally {
      await writeFile(pinFile, pin);
    }
  });

  it('never pins a key: with no pin yet it waits for the API, and the command pins as usual', async () => {
    const pinFile = join(h.configDir, 'known_hosts', b.id);
    const pin = await readFile(pinFile, 'utf8');
    await lium.rememberPods([b]);
    await rm(pinFile);
    try {
      const { lium: fresh, outcome, result } = await resolveWith('1');
      expect(outcome).toEqual({ kind: 'failed', podId: b.id });
      await expect(readFile(pinFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await podIdOn(fresh, (result as PodInfo[])[0]!)).toBe(b.id);
      expect(await readFile(pinFile, 'utf8')).toBe(pin);
    } finally {
      await writeFile(pinFile, pin);
    }
  });
});
