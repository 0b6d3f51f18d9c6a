import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  apiClient,
  eventually,
  newKeyPair,
  type PodRow,
  processesNamed,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

describe('start and close', () => {
  it('rents pods that answer over SSH, and close() leaves nothing behind', async () => {
    const emulator = await startTestEmulator({ executors: 10 });
    const api = apiClient(emulator);
    const keys = newKeyPair();
    const pods: PodRow[] = [];
    for (let i = 0; i < 2; i++)
      pods.push(await waitForPod(api, (await rentPod(api, keys.publicKey)).id));
    const pod = pods[0] as PodRow;
    const result = await sshExec(sshPortOf(pod), keys.privateKey, 'echo ok');
    expect(result).toMatchObject({ stdout: 'ok\n', code: 0 });
    const inspection = emulator.control.pod(pod.id);
    expect(inspection).toMatchObject({ status: 'RUNNING', sshPort: sshPortOf(pod) });
    expect(['bwrap', 'unshare']).toContain(inspection?.isolation);
    // A background job in each pod, which close() must end too.
    const marker = `lium-emulator-close-${process.pid}-${Date.now()}`;
    for (const p of pods) {
      await sshExec(
        sshPortOf(p),
        keys.privateKey,
        `nohup bash -c 'exec -a ${marker} sleep 300' >/dev/null 2>&1 &`,
      );
    }
    await eventually(() => processesNamed(marker).length === 2);
    const dataDir = inspection?.dataDir as string;
    expect(existsSync(dataDir)).toBe(true);

    await emulator.close();
    await expect(fetch(`${emulator.baseUrl}/executors`)).rejects.toThrow();
    for (const p of pods)
      await expect(sshExec(sshPortOf(p), keys.privateKey, 'true')).rejects.toThrow();
    expect(existsSync(dataDir)).toBe(false);
    expect(processesNamed(marker)).toEqual([]);
  });
});
