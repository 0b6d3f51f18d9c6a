import { LiumError } from '@lium/errors';
import { describe, expect, it } from 'vitest';
import { wirePod } from '../test/fixtures.ts';
import { type PodInfo, toPodInfo } from './models.ts';
import { type WaitDeps, waitForPodReady } from './wait-ready.ts';

// The loop's own decisions (when to stop, what to report) against scripted API answers; the
// end-to-end tests run the same code against the emulator's real HTTP API and SSH pods.
function script(states: (Record<string, unknown> | undefined)[], handshakeFailures = 0) {
  let call = 0;
  let handshakes = 0;
  const deps: WaitDeps = {
    async fetchPod() {
      const state = states[Math.min(call++, states.length - 1)];
      return state === undefined ? undefined : toPodInfo(wirePod(state));
    },
    async handshake() {
      handshakes++;
      if (handshakes <= handshakeFailures) throw new Error('connection refused');
    },
  };
  return { deps, calls: () => call, handshakes: () => handshakes };
}

const fast = { pollIntervalMs: 1, maxPollIntervalMs: 2 };
const pending = { status: 'PENDING', ssh_connect_cmd: null, phase: 'pulling image' };

describe('waitForPodReady', () => {
  it('returns once RUNNING with an ssh command and a working handshake', async () => {
    const s = script([pending, pending, {}], 2);
    const seen: string[] = [];
    const pod = await waitForPodReady('p', s.deps, {
      ...fast,
      onStatus: (p: PodInfo) => seen.push(p.status),
    });
    expect(pod.status).toBe('RUNNING');
    expect(s.handshakes()).toBe(3);
    expect(seen.slice(0, 2)).toEqual(['PENDING', 'PENDING']);
  });

  it('fails fast on CREATION_FAILED with the status and the cause', async () => {
    const s = script([pending, { status: 'CREATION_FAILED', ssh_connect_cmd: null }]);
    s.deps.failureCause = async () => 'image pull failed';
    await expect(waitForPodReady('p', s.deps, fast)).rejects.toMatchObject({
      code: 'pod_failed',
      status: 'CREATION_FAILED',
      message: expect.stringMatching(
        /failed to start \(status CREATION_FAILED\): image pull failed$/,
      ),
    });
    expect(s.calls()).toBe(2);
  });

  it('fails when a pod it saw vanishes', async () => {
    const s = script([pending, undefined]);
    await expect(waitForPodReady('p', s.deps, fast)).rejects.toThrow(/disappeared/);
  });

  it('fails when the pod never shows up', async () => {
    const s = script([undefined]);
    await expect(waitForPodReady('p', s.deps, { ...fast, notListedGraceMs: 5 })).rejects.toThrow(
      /never listed/,
    );
  });

  it('times out with pod_not_ready and the last SSH problem', async () => {
    const s = script([{}], 1_000_000);
    await expect(waitForPodReady('p', s.deps, { ...fast, timeoutMs: 50 })).rejects.toMatchObject({
      code: 'pod_not_ready',
      message: expect.stringContaining('connection refused'),
    });
  });

  it('does not retry a handshake that cannot succeed', async () => {
    const s = script([{}]);
    let calls = 0;
    s.deps.handshake = async () => {
      calls++;
      throw new LiumError('host key changed', { code: 'ssh_host_key_mismatch' });
    };
    await expect(waitForPodReady('p', s.deps, { ...fast, timeoutMs: 5_000 })).rejects.toMatchObject(
      {
        code: 'ssh_host_key_mismatch',
      },
    );
    expect(calls).toBe(1);
  });

  it('polls slower after a 429, doubling the interval up to the ceiling', async () => {
    const s = script([{}]);
    const fetchPod = s.deps.fetchPod;
    let limited = 3;
    s.deps.fetchPod = async (id, signal) => {
      if (limited-- > 0) throw new LiumError('Rate limit exceeded', { code: 'rate_limited' });
      return fetchPod(id, signal);
    };
    const started = Date.now();
    const pod = await waitForPodReady('p', s.deps, { pollIntervalMs: 10, maxPollIntervalMs: 40 });
    expect(pod.status).toBe('RUNNING');
    // Sleeps of 20, 40 and 40 ms after the three 429s (a steady 10 ms would be 30 ms in all).
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('stops when the signal fires', async () => {
    const s = script([pending]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(
      waitForPodReady('p', s.deps, { ...fast, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
  });
});
