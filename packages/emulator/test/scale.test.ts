import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  type ExecutorRow,
  newKeyPair,
  type PodRow,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
} from './helpers.ts';

const PODS = 100;

/** Runs `task` over `items` with at most `limit` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe(`${PODS} pods at once`, () => {
  let emulator: Emulator;
  let api: ApiClient;
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 300, readyDelayMs: 200 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it(`rents ${PODS} pods, runs echo ok on each over SSH, and deletes them`, {
    timeout: 120_000,
  }, async () => {
    const keys = newKeyPair();
    const executors = (await api<ExecutorRow[]>('GET', `/executors?size=${PODS}`)).body;
    expect(executors).toHaveLength(PODS);
    const ids: string[] = [];
    for (const executor of executors) {
      ids.push(
        (
          await rentPod(api, keys.publicKey, {
            executorId: executor.id,
            name: `scale-${ids.length}`,
          })
        ).id,
      );
    }
    let pods: PodRow[] = [];
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      pods = (await api<PodRow[]>('GET', '/pods')).body;
      if (pods.filter((p) => p.status === 'RUNNING' && p.ssh_connect_cmd !== null).length === PODS)
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stuck = pods.filter((p) => p.status !== 'RUNNING');
    const why = await Promise.all(
      stuck.map(
        async (p) => `${p.id} ${p.status} ${(await api('GET', `/pods/${p.id}/events`)).text}`,
      ),
    );
    expect(why).toEqual([]);
    expect(pods).toHaveLength(PODS);
    expect(new Set(pods.map((p) => sshPortOf(p))).size).toBe(PODS);

    const outputs = new Map<string, string>();
    await eachLimited(pods, 8, async (pod) => {
      const result = await sshExec(sshPortOf(pod), keys.privateKey, 'echo ok');
      outputs.set(pod.id, `${result.code}:${result.stdout}`);
    });
    expect([...outputs.values()].filter((o) => o === '0:ok\n')).toHaveLength(PODS);

    await eachLimited(ids, 10, async (id) => {
      expect((await api('DELETE', `/pods/${id}`)).status).toBe(200);
    });
    expect((await api<PodRow[]>('GET', '/pods')).body).toEqual([]);
    expect((await api<ExecutorRow[]>('GET', '/executors')).body).toHaveLength(300);
  });
});
