import { Client } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, RecordedRequest } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  type ExecutorRow,
  executorPool,
  newKeyPair,
  type PodRow,
  PYTORCH_TEMPLATE,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

describe('route faults and recording', () => {
  let emulator: Emulator;
  let api: ApiClient;
  let freeExecutor: () => ExecutorRow;
  const keys = newKeyPair();
  const rentBody = {
    pod_name: 'faulty',
    template_id: PYTORCH_TEMPLATE,
    user_public_key: [keys.publicKey],
  };

  beforeAll(async () => {
    emulator = await startTestEmulator();
    api = apiClient(emulator);
    freeExecutor = await executorPool(api);
  });
  afterEach(() => emulator.control.clearFaults());
  afterAll(() => emulator.close());

  it('records every call with method, path, query and body, and the key only as present/absent', async () => {
    emulator.control.clearRequests();
    await api('GET', '/executors?size=3&machine_names=NVIDIA%20H200');
    await apiClient(emulator, null)('GET', '/pods');
    await api(
      'POST',
      '/ssh-keys',
      { name: 'k', public_key: keys.publicKey },
      { 'X-Source': 'cli' },
    );
    const recorded = emulator.control.requests();
    expect(recorded.slice(0, 3).map((r) => [r.method, r.path, r.apiKey, r.outcome])).toEqual([
      ['GET', '/executors', 'present', 200],
      ['GET', '/pods', 'absent', 401],
      ['POST', '/ssh-keys', 'present', 200],
    ]);
    expect(recorded[0]?.query).toEqual({ size: '3', machine_names: 'NVIDIA H200' });
    expect(recorded[2]?.body).toEqual({ name: 'k', public_key: keys.publicKey });
    expect(recorded[2]?.headers['x-source']).toBe('cli');
    expect(JSON.stringify(recorded)).not.toContain('test-key');
    await api('POST', '/users/login', { email: 'x@y', password: 'hunter2' });
    expect(emulator.control.requests({ path: '/users/login' })[0]?.body).toEqual({
      email: 'x@y',
      password: '[redacted]',
    });
    expect(emulator.control.requests({ method: 'POST', path: '/ssh-keys' })).toHaveLength(1);
    emulator.control.clearRequests();
    expect(emulator.control.requests()).toEqual([]);
  });

  it('answers a status for the next N calls, then recovers', async () => {
    emulator.control.addFault({ method: 'GET', path: '/pods', status: 503, times: 2 });
    expect((await api('GET', '/pods')).status).toBe(503);
    const second = await api('GET', '/pods');
    expect(second.status).toBe(503);
    expect(second.body).toMatchObject({
      detail: 'Service Unavailable',
      error: { code: 'server_error' },
    });
    expect((await api('GET', '/pods')).status).toBe(200);
  });

  it('answers 429 with Retry-After', async () => {
    emulator.control.addFault({ path: '/users/me', status: 429, retryAfterSeconds: 3 });
    const limited = await api('GET', '/users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('adds latency to matching routes only, until removed', async () => {
    const fault = emulator.control.addFault({ path: '/templates/*', latencyMs: 50 });
    expect(fault.remaining).toBeNull();
    await api('GET', `/templates/${PYTORCH_TEMPLATE}`);
    await api('GET', `/templates/${PYTORCH_TEMPLATE}`);
    await api('GET', '/templates');
    const hits = emulator.control.requests({ path: '/templates/*' }).slice(-2);
    expect(hits.every((r: RecordedRequest) => r.faultId === fault.id)).toBe(true);
    expect(emulator.control.requests({ path: '/templates' }).at(-1)?.faultId).toBeUndefined();
    expect(emulator.control.faults()[0]?.hits).toBe(2);
    expect(emulator.control.removeFault(fault.id)).toBe(true);
  });

  it('resets the connection before the server commits: nothing is rented', async () => {
    const id = freeExecutor().id;
    emulator.control.addFault({ method: 'POST', path: '/executors/*/rent', reset: 'before' });
    await expect(api('POST', `/executors/${id}/rent`, rentBody)).rejects.toThrow();
    const listed = (await api<ExecutorRow[]>('GET', '/executors')).body;
    expect(listed.some((e) => e.id === id)).toBe(true);
    expect(
      emulator.control.requests({ method: 'POST', path: '/executors/*/rent' }).at(-1)?.outcome,
    ).toBe('reset');
  });

  it('resets after the server commits: the pod exists, and the same Idempotency-Key finds it', async () => {
    const id = freeExecutor().id;
    const headers = { 'Idempotency-Key': 'after-reset-1' };
    emulator.control.addFault({ method: 'POST', path: '/executors/{id}/rent', reset: 'after' });
    await expect(api('POST', `/executors/${id}/rent`, rentBody, headers)).rejects.toThrow();
    const pods = (await api<PodRow[]>('GET', '/pods')).body.filter((p) => p.executor.id === id);
    expect(pods).toHaveLength(1);
    const retried = await api<PodRow>('POST', `/executors/${id}/rent`, rentBody, headers);
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(pods[0]?.id);
    expect(
      emulator.control
        .requests({ method: 'POST', path: '/executors/*/rent' })
        .slice(-2)
        .map((r) => r.outcome),
    ).toEqual(['reset', 200]);
  });

  it('sends malformed JSON after handling the call', async () => {
    emulator.control.addFault({ method: 'GET', path: '/users/me', malformedJson: true });
    const response = await api('GET', '/users/me');
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.text)).toThrow();
  });

  it('stalls a response until the client gives up', async () => {
    emulator.control.addFault({ path: '/pods', stall: 'before' });
    await expect(
      fetch(`${emulator.baseUrl}/pods`, {
        headers: { 'x-api-key': emulator.apiKey },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect((await api('GET', '/pods')).status).toBe(200);
  });

  it('serves the same control API over HTTP under /_emulator', async () => {
    const control = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${emulator.controlUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown> & unknown[],
      };
    };
    expect((await control('GET', '/health')).body).toEqual({ ok: true });
    const added = await control('POST', '/faults', {
      method: 'GET',
      path: '/volumes',
      status: 500,
    });
    expect(added.status).toBe(201);
    expect((await control('GET', '/faults')).body).toHaveLength(1);
    expect((await api('GET', '/volumes')).status).toBe(500);
    expect((await control('POST', '/faults', { path: '' })).status).toBe(400);
    await control('DELETE', '/requests');
    await api('GET', '/volumes');
    const recorded = await control('GET', '/requests?method=GET&path=/volumes');
    expect(recorded.body).toHaveLength(1);
    // Pods rented earlier in this file keep billing between the write and the read back.
    const set = await control('PUT', '/balance', { balance: 42 });
    expect(set.body.balance).toBeCloseTo(42, 1);
    expect((await api<{ balance: number }>('GET', '/users/me')).body.balance).toBeCloseTo(42, 1);
    expect((await control('POST', '/rent-failures', { count: 1 })).status).toBe(200);
    const pod = await rentPod(api, keys.publicKey, { executorId: freeExecutor().id });
    await waitForPod(api, pod.id, (p) => p.status === 'CREATION_FAILED');
    expect((await control('GET', `/pods/${pod.id}`)).body).toMatchObject({
      id: pod.id,
      status: 'CREATION_FAILED',
    });
    emulator.control.setBalance(10_000);
  });
});

describe('pod SSH faults', () => {
  let emulator: Emulator;
  let api: ApiClient;
  const keys = newKeyPair();
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 20 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it('refuses SSH connections, then accepts them again', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    emulator.control.setPodFaults(pod.id, { refuseConnections: true });
    await expect(sshExec(sshPortOf(pod), keys.privateKey, 'true')).rejects.toThrow();
    emulator.control.setPodFaults(pod.id, { refuseConnections: false });
    expect((await sshExec(sshPortOf(pod), keys.privateKey, 'echo back')).stdout).toBe('back\n');
  });

  it('disconnects a session after N bytes', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    emulator.control.setPodFaults(pod.id, { disconnectAfterBytes: 4096 });
    const received = await new Promise<{ bytes: number; closedEarly: boolean }>(
      (resolve, reject) => {
        const client = new Client();
        let bytes = 0;
        let exited = false;
        client
          .on('ready', () => {
            client.exec('head -c 1000000 /dev/zero', (error, stream) => {
              if (error) return reject(error);
              stream.on('data', (d: Buffer) => {
                bytes += d.length;
              });
              stream.on('exit', () => {
                exited = true;
              });
            });
          })
          .on('close', () => resolve({ bytes, closedEarly: !exited || bytes < 1_000_000 }))
          .on('error', () => undefined)
          .connect({
            host: '127.0.0.1',
            port: sshPortOf(pod),
            username: 'root',
            privateKey: keys.privateKey,
          });
      },
    );
    expect(received.closedEarly).toBe(true);
    expect(received.bytes).toBeLessThan(1_000_000);
  });
});
