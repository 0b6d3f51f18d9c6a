import { mkdtempSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  type ExecutorRow,
  newKeyPair,
  type PodRow,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

describe('--state: surviving a restart', () => {
  // Outside /tmp, which the sandbox replaces anyway, so the hiding of the state dir is what is tested.
  const stateDir = mkdtempSync(join(homedir(), '.lium-emulator-state-test-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('keeps pods (files, host key, port), volumes, keys and rented executors', async () => {
    const keys = newKeyPair();
    const first = await startTestEmulator({ stateDir, seed: 3, executors: 50 });
    const api1 = apiClient(first);
    const pod = await waitForPod(
      api1,
      (await rentPod(api1, keys.publicKey, { name: 'durable' })).id,
    );
    const before = await sshExec(
      sshPortOf(pod),
      keys.privateKey,
      'echo survives > /workspace/file',
    );
    const volume = await api1<{ id: string }>('POST', '/volumes', { name: 'vol', description: '' });
    await api1('POST', '/ssh-keys', { name: 'k', public_key: keys.publicKey });
    const pending = await rentPod(api1, keys.publicKey, { name: 'still-pending' });
    await first.close();

    const second = await startTestEmulator({ stateDir, seed: 999, executors: 10 });
    try {
      const api2 = apiClient(second);
      const pods = (await api2<PodRow[]>('GET', '/pods')).body;
      const again = pods.find((p) => p.id === pod.id) as PodRow;
      expect(again).toMatchObject({ pod_name: 'durable', status: 'RUNNING' });
      const after = await sshExec(sshPortOf(again), keys.privateKey, 'cat /workspace/file');
      expect(after.stdout).toBe('survives\n');
      expect(after.hostKey).toBe(before.hostKey);
      expect(again.ssh_connect_cmd).toBe(pod.ssh_connect_cmd);
      // Inside the sandbox the emulator's directory (other pods, the host keys in state.json) is hidden.
      if (second.control.pod(pod.id)?.isolation !== 'none') {
        const peek = await sshExec(sshPortOf(again), keys.privateKey, `cat ${stateDir}/state.json`);
        expect(peek.code).not.toBe(0);
        expect(peek.stdout).toBe('');
      }
      // A pod that was still starting finishes starting.
      await waitForPod(api2, pending.id);
      expect((await api2('GET', `/volumes/${volume.body.id}`)).status).toBe(200);
      expect((await api2<unknown[]>('GET', '/ssh-keys')).body).toHaveLength(1);
      // The marketplace is the one the state was made with, with the rented nodes still hidden.
      const executors = (await api2<ExecutorRow[]>('GET', '/executors')).body;
      expect(executors).toHaveLength(48);
      expect(executors.some((e) => e.id === pod.executor.id)).toBe(false);
    } finally {
      await second.close();
    }
  });
});
