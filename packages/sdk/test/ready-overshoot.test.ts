import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

// The ready wait at its default poll interval against a pod that takes READY_DELAY_MS to start:
// it must notice a ready pod within about one interval. The old backoff (1 s growing by half
// up to 10 s) polled at 0, 1, 2.5, 4.75, 8.1, 13.2 s, so a pod ready at 9 s was seen at 13.2 s.
const READY_DELAY_MS = 9_000;
/** Generous: one 1 s interval, the API answer and the SSH handshake on a loaded machine. */
const MAX_OVERSHOOT_MS = 3_500;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ executors: 10, readyDelayMs: READY_DELAY_MS });
});
afterAll(async () => {
  await h?.close();
});

describe('waitForPodReady at the default poll interval', () => {
  it('returns soon after the pod is ready, not at the next step of a backoff', async () => {
    const lium = h.newLium({ pollIntervalMs: undefined, maxPollIntervalMs: undefined });
    const [executor] = await lium.listExecutors();
    const started = Date.now();
    const pod = await lium.startPod({ executorId: executor!.id, podName: 'overshoot' });
    const ready = await lium.waitForPodReady(pod, { timeoutMs: 120_000 });
    const overshoot = Date.now() - started - READY_DELAY_MS;
    expect(ready.status).toBe('RUNNING');
    expect(overshoot).toBeGreaterThanOrEqual(0);
    expect(overshoot).toBeLessThan(MAX_OVERSHOOT_MS);
    // Steady polling, not a flood: about one GET per second of waiting.
    const polls = h.emu.control.requests({ method: 'GET', path: `/pods/${pod.id}` });
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(READY_DELAY_MS / 1_000) + 4);
    await lium.stopPod(ready);
  }, 120_000);
});
