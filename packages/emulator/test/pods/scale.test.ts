import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { connect, podFixture, run } from './helpers.ts';

const PODS = 100;

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

function childProcessCount(): number {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((line) => line.trim() !== '').length;
}

describe('many pods', () => {
  it(`runs ${PODS} pods at once, each reachable over SSH with its own files, and stops them all`, async () => {
    const f = await podFixture();
    const before = childProcessCount();
    const pods = [f.pod, ...(await pool(Array.from({ length: PODS - 1 }), 10, () => f.start()))];
    expect(new Set(pods.map((p) => p.port)).size).toBe(PODS);
    // Idle pods cost no process.
    expect(childProcessCount()).toBe(before);

    const outputs = await pool(pods, 8, async (pod) => {
      const client = await connect(pod.port, { privateKey: f.key.privateKey });
      try {
        await run(client, `echo ${pod.port} > ~/port`);
        return (await run(client, 'cat ~/port')).stdout.toString().trim();
      } finally {
        client.end();
      }
    });
    expect(outputs).toEqual(pods.map((pod) => String(pod.port)));

    await f.cleanup();
    expect(pods.every((pod) => pod.runningCommands === 0)).toBe(true);
  }, 180_000);
});
