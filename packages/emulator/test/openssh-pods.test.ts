import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { opensshPodsUnavailable } from '../src/index.ts';
import {
  apiClient,
  eventually,
  newKeyPair,
  processesNamed,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

const unavailable = opensshPodsUnavailable();
if (unavailable !== undefined) console.warn(`Skipping OpenSSH-server pods: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('podSsh: openssh (a real sshd per pod)', () => {
  it('rents pods served by sshd whose background jobs outlive the session until close()', async () => {
    const emulator = await startTestEmulator({ executors: 10, podSsh: 'openssh' });
    try {
      const api = apiClient(emulator);
      const keys = newKeyPair();
      const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
      const port = sshPortOf(pod);
      const banner = execFileSync(
        'bash',
        ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}; head -c 16 <&3`],
        {
          encoding: 'utf8',
          timeout: 10_000,
        },
      );
      expect(banner).toMatch(/^SSH-2\.0-OpenSSH_/);
      const result = await sshExec(port, keys.privateKey, 'echo ok; echo "$HOME"; pwd');
      expect(result).toMatchObject({ code: 0 });
      const [ok, home, cwd] = result.stdout.split('\n');
      expect(ok).toBe('ok');
      const isolation = emulator.control.pod(pod.id)?.isolation;
      if (isolation === 'bwrap') expect([home, cwd]).toEqual(['/root', '/root']);
      const marker = `lium-openssh-pod-${process.pid}-${Date.now()}`;
      await sshExec(
        port,
        keys.privateKey,
        `nohup bash -c 'exec -a ${marker} sleep 300' >/dev/null 2>&1 &`,
      );
      await eventually(() => processesNamed(marker).length === 1);
      // The session is over, the job is not (as in a real container).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(processesNamed(marker)).toHaveLength(1);
      await emulator.close();
      await expect(sshExec(port, keys.privateKey, 'true')).rejects.toThrow();
      expect(processesNamed(marker)).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
