import { beforeAll, describe, expect, it } from 'vitest';
import { until, useEmulatorWorld } from './helpers.ts';

describe('Ctrl-C during up never leaves a pod unmentioned', () => {
  // Pods take a minute to start, so the interrupt lands while `up` waits.
  const world = useEmulatorWorld({ executors: 20, readyDelayMs: 60_000 });
  const lium = (argv: string[], signal?: AbortSignal) => world.lium(argv, signal ? { signal } : {});

  beforeAll(async () => {
    await lium(['ls', '--limit', '3']);
  });

  it('stops the pod it was waiting for and exits 130', async () => {
    const interrupt = new AbortController();
    const running = lium(['up', '1', '-y', '--name', 'waiting-pod'], interrupt.signal);
    const before = world.rents();
    await until(() => world.rents() > before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('stopped');
    expect(result.stderr).toContain('waiting-pod');
    const pods = JSON.parse((await lium(['ps', '--json'])).stdout) as unknown[];
    expect(pods).toEqual([]);
  });

  it('finds and stops a pod whose rent request was cut off mid-flight', async () => {
    world.emulator.control.addFault({
      method: 'POST',
      path: '/executors/*/rent',
      latencyMs: 1_500,
    });
    const interrupt = new AbortController();
    const running = lium(['up', '2', '-y', '--name', 'in-flight-pod'], interrupt.signal);
    const before = world.rents();
    await until(() => world.rents() > before);
    interrupt.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('in-flight-pod');
    const pods = JSON.parse((await lium(['ps', '--json'])).stdout) as unknown[];
    expect(pods).toEqual([]);
  });
});
