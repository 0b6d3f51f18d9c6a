// @ts-check
/** Rents emulator pods through the SDK (as a user would) and waits until each answers SSH. */
import { builtEntry } from './paths.mjs';

/**
 * @param {{ env: NodeJS.ProcessEnv, home: string }} user a cliHome()
 * @param {number} count
 * @param {{ concurrency?: number }} [options]
 * @returns {Promise<{ id: string, name: string, huid: string }[]>}
 */
export async function rentPods(user, count, options = {}) {
  const { Lium } = await import(builtEntry('sdk'));
  const { DEFAULT_PYTORCH_TEMPLATE_ID } = await import(builtEntry('emulator'));
  const lium = new Lium({
    env: user.env,
    homeDir: user.home,
    pollIntervalMs: 50,
    maxPollIntervalMs: 200,
  });
  try {
    const executors = (await lium.listExecutors()).slice(0, count);
    if (executors.length < count) throw new Error(`only ${executors.length} executors to rent`);
    /** @type {{ id: string, name: string, huid: string }[]} */
    const pods = [];
    const queue = [...executors.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [i, executor] = next;
        const pod = await lium.startPod({
          executorId: executor,
          podName: `bench-${String(i).padStart(3, '0')}`,
          templateId: DEFAULT_PYTORCH_TEMPLATE_ID,
        });
        const ready = await lium.waitForPodReady(pod, { timeoutMs: 120_000 });
        pods.push({ id: ready.id, name: ready.name, huid: ready.huid });
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    return pods.sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await lium.close();
  }
}
