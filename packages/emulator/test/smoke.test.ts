import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  newKeyPair,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

describe('smoke', () => {
  let emulator: Emulator;
  let api: ApiClient;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it('rents a pod that answers over SSH', async () => {
    const keys = newKeyPair();
    const rented = await rentPod(api, keys.publicKey);
    expect(rented.status).toBe('PENDING');
    const pod = await waitForPod(api, rented.id);
    const result = await sshExec(sshPortOf(pod), keys.privateKey, 'echo ok');
    expect(result.stdout).toBe('ok\n');
    expect(result.code).toBe(0);
    const inspection = emulator.control.pod(pod.id);
    expect(inspection).toMatchObject({ status: 'RUNNING', sshPort: sshPortOf(pod) });
    expect(['bwrap', 'none']).toContain(inspection?.isolation);
  });
});
