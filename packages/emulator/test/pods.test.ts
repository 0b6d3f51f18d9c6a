import { createConnection, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
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
  waitForTemplate,
} from './helpers.ts';

describe('renting and pods', () => {
  let emulator: Emulator;
  let api: ApiClient;
  let freeExecutor: () => ExecutorRow;
  const keys = newKeyPair();
  beforeAll(async () => {
    emulator = await startTestEmulator({ readyDelayMs: 400 });
    api = apiClient(emulator);
    freeExecutor = await executorPool(api);
  });
  afterAll(() => emulator.close());

  it('answers rent with a PENDING pod carrying id, success and pod_id', async () => {
    const executor = freeExecutor();
    const pod = await rentPod(api, keys.publicKey, { executorId: executor.id, name: 'first' });
    expect(pod).toMatchObject({
      success: true,
      pod_id: pod.id,
      pod_name: 'first',
      status: 'PENDING',
      ssh_connect_cmd: null,
    });
    expect(pod.phase).toEqual(expect.any(String));
    expect(pod.estimated_ready_seconds).toEqual(expect.any(Number));
    const ready = await waitForPod(api, pod.id);
    expect(ready.ssh_connect_cmd).toMatch(/^ssh root@127\.0\.0\.1 -p \d+$/);
    expect(ready.ports_mapping['22']).toBe(sshPortOf(ready));
    expect(ready.ports_mapping['8888']).toEqual(expect.any(Number));
    expect(ready.price).toBe(executor.price_per_hour);
    expect(ready.gpu_count).toBe(String(executor.gpu_count));
    expect(ready.executor).toMatchObject({
      id: executor.id,
      price_per_gpu: null,
      executor_ip_address: '127.0.0.1',
    });
    expect(ready.template.id).toBe(PYTORCH_TEMPLATE);
    expect(ready).not.toHaveProperty('phase');
    const list = (await api<PodRow[]>('GET', '/pods')).body;
    expect(list.find((p) => p.id === pod.id)).toMatchObject({
      status: 'RUNNING',
      gpu_count: String(executor.gpu_count),
    });
  });

  it('accepts exactly the public keys given at rent', async () => {
    const other = newKeyPair();
    const pod = await waitForPod(
      api,
      (await rentPod(api, keys.publicKey, { executorId: freeExecutor().id })).id,
    );
    expect((await sshExec(sshPortOf(pod), keys.privateKey, 'echo hi')).stdout).toBe('hi\n');
    await expect(sshExec(sshPortOf(pod), other.privateKey, 'echo hi')).rejects.toThrow(
      /authentication/i,
    );
  });

  it('forwards the mapped external ports to the pod’s internal ports', async () => {
    // Something listening on an internal port, as a process in the pod would.
    const service = createServer((socket) => socket.end('hello from 127.0.0.1\n'));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const internal = (service.address() as { port: number }).port;
    try {
      const template = await api<{ id: string }>('POST', '/templates', {
        name: 'with-port',
        docker_image: 'daturaai/ubuntu',
        docker_image_tag: '22.04',
        internal_ports: [22, internal],
      });
      await waitForTemplate(api, template.body.id);
      const rented = await rentPod(api, keys.publicKey, {
        executorId: freeExecutor().id,
        templateId: template.body.id,
      });
      const pod = await waitForPod(api, rented.id);
      const external = pod.ports_mapping[String(internal)] as number;
      expect(external).not.toBe(internal);
      const text = await new Promise<string>((resolve, reject) => {
        const socket = createConnection({ host: '127.0.0.1', port: external });
        let data = '';
        socket.on('data', (d: Buffer) => {
          data += d.toString();
        });
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(text).toBe('hello from 127.0.0.1\n');
    } finally {
      service.close();
    }
  });

  it('honours Idempotency-Key: the same key gives the same pod and rents once', async () => {
    const executor = freeExecutor();
    const headers = { 'Idempotency-Key': 'rent-once-123' };
    const first = await rentPod(api, keys.publicKey, {
      executorId: executor.id,
      name: 'idem',
      headers,
    });
    const second = await rentPod(api, keys.publicKey, {
      executorId: executor.id,
      name: 'idem',
      headers,
    });
    expect(second.id).toBe(first.id);
    const pods = (await api<PodRow[]>('GET', '/pods')).body.filter((p) => p.pod_name === 'idem');
    expect(pods).toHaveLength(1);
    const reused = await api(
      'POST',
      `/executors/${executor.id}/rent`,
      { pod_name: 'other', template_id: PYTORCH_TEMPLATE, user_public_key: [keys.publicKey] },
      headers,
    );
    expect(reused.status).toBe(409);
  });

  it('rents once for concurrent requests with the same Idempotency-Key', async () => {
    const executor = freeExecutor();
    const headers = { 'Idempotency-Key': 'concurrent-1' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        rentPod(api, keys.publicKey, { executorId: executor.id, name: 'conc', headers }),
      ),
    );
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    const sent = emulator.control
      .requests({ method: 'POST', path: '/executors/*/rent' })
      .filter((r) => r.headers['idempotency-key'] === 'concurrent-1');
    expect(sent.map((r) => r.outcome)).toEqual([200, 200, 200, 200, 200]);
    expect(
      (await api<PodRow[]>('GET', '/pods')).body.filter((p) => p.pod_name === 'conc'),
    ).toHaveLength(1);
  });

  it('refuses renting a rented executor and unknown executors or templates', async () => {
    const executor = freeExecutor();
    await rentPod(api, keys.publicKey, { executorId: executor.id });
    const again = await api('POST', `/executors/${executor.id}/rent`, {
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      user_public_key: [keys.publicKey],
    });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ detail: expect.stringContaining('not available') });
    const unknown = await api('POST', '/executors/0b7e6b0e-0000-4000-8000-000000000000/rent', {
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      user_public_key: [keys.publicKey],
    });
    expect(unknown.status).toBe(404);
    const template = await api('POST', `/executors/${freeExecutor().id}/rent`, {
      pod_name: 'x',
      template_id: '0b7e6b0e-0000-4000-8000-000000000000',
      user_public_key: [keys.publicKey],
    });
    expect(template.status).toBe(404);
    expect(template.body).toMatchObject({ detail: 'Template not found' });
  });

  it('validates rent bodies as the reference says', async () => {
    const id = freeExecutor().id;
    const rent = (body: unknown) =>
      api<{ detail: { loc: unknown[]; msg: string; type: string }[] }>(
        'POST',
        `/executors/${id}/rent`,
        body,
      );
    const noKeys = await rent({
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      user_public_key: [],
    });
    expect(noKeys.status).toBe(422);
    expect(noKeys.body.detail[0]).toMatchObject({
      loc: ['body', 'user_public_key'],
      type: 'too_short',
    });
    const notList = await rent({
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      user_public_key: keys.publicKey,
    });
    expect(notList.body.detail[0]).toMatchObject({ type: 'list_type' });
    const garbageKey = await rent({
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      user_public_key: ['not a key'],
    });
    expect(garbageKey.body.detail[0]).toMatchObject({ loc: ['body', 'user_public_key', 0] });
    const both = await rent({
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      dockerfile_content: 'FROM ubuntu',
      user_public_key: [keys.publicKey],
    });
    expect(both.status).toBe(422);
    expect(both.body.detail[0]?.msg).toContain('exactly one of template_id or dockerfile_content');
    const neither = await rent({ pod_name: 'x', user_public_key: [keys.publicKey] });
    expect(neither.status).toBe(422);
    const badUuid = await rent({
      pod_name: 'x',
      template_id: 'abc',
      user_public_key: [keys.publicKey],
    });
    expect(badUuid.body.detail[0]).toMatchObject({
      loc: ['body', 'template_id'],
      type: 'uuid_parsing',
    });
    const huge = await rent({
      pod_name: 'x',
      dockerfile_content: `FROM ubuntu\n${'#'.repeat(70_000)}`,
      user_public_key: [keys.publicKey],
    });
    expect(huge.status).toBe(422);
    const ports = await rent({
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      user_public_key: [keys.publicKey],
      initial_port_count: 60_000,
    });
    expect(ports.status).toBe(400);
    const half = await rent({
      pod_name: 'x',
      template_id: PYTORCH_TEMPLATE,
      user_public_key: [keys.publicKey],
      backup_log_id: PYTORCH_TEMPLATE,
    });
    expect(half.status).toBe(422);
    // None of these rented anything.
    expect((await api<ExecutorRow[]>('GET', '/executors')).body.some((e) => e.id === id)).toBe(
      true,
    );
  });

  it('rents from a Dockerfile on a one-time template', async () => {
    const id = freeExecutor().id;
    const response = await api<PodRow>('POST', `/executors/${id}/rent`, {
      pod_name: 'docker',
      template_id: null,
      dockerfile_content: 'FROM python:3.12-slim\nRUN pip install numpy\n',
      user_public_key: [keys.publicKey],
      volume_id: null,
      initial_port_count: null,
    });
    expect(response.status).toBe(200);
    expect(response.body.template).toMatchObject({
      docker_image: 'python',
      docker_image_tag: '3.12-slim',
    });
  });

  it('refuses a rent the balance cannot pay with the reference 403 wording, and bills running pods', async () => {
    const poor = await startTestEmulator({ balance: 0.5, executors: 20 });
    try {
      const client = apiClient(poor);
      const executor = (await client<ExecutorRow[]>('GET', '/executors')).body.find(
        (e) => e.price_per_hour > 1,
      ) as ExecutorRow;
      const refused = await client<{ detail: string; error: { code: string } }>(
        'POST',
        `/executors/${executor.id}/rent`,
        {
          pod_name: 'x',
          template_id: PYTORCH_TEMPLATE,
          user_public_key: [keys.publicKey],
        },
      );
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(
        /^Insufficient balance\. This node costs \$\d+\.\d{2}\/hour, so renting it requires at least \$\d+\.\d{2} \(60 minutes of runtime\)\. Your balance is \$0\.50\.$/,
      );
      expect(refused.body.error.code).toBe('insufficient_balance');
      poor.control.setBalance(1000);
      await rentPod(client, keys.publicKey, { executorId: executor.id });
      const before = (await client<{ balance: number }>('GET', '/users/me')).body.balance;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = (await client<{ balance: number }>('GET', '/users/me')).body.balance;
      expect(after).toBeLessThan(before);
    } finally {
      await poor.close();
    }
  });

  it('deletes a pod: it leaves /pods and its SSH server stops', async () => {
    const pod = await waitForPod(
      api,
      (await rentPod(api, keys.publicKey, { executorId: freeExecutor().id })).id,
    );
    const port = sshPortOf(pod);
    const deleted = await api('DELETE', `/pods/${pod.id}`);
    expect(deleted.status).toBe(200);
    expect((await api('GET', `/pods/${pod.id}`)).status).toBe(404);
    expect((await api<PodRow[]>('GET', '/pods')).body.some((p) => p.id === pod.id)).toBe(false);
    expect((await api('DELETE', `/pods/${pod.id}`)).status).toBe(404);
    await expect(sshExec(port, keys.privateKey, 'true')).rejects.toThrow();
  });

  it('still accepts the legacy unrent by executor id', async () => {
    const executor = freeExecutor();
    const pod = await rentPod(api, keys.publicKey, { executorId: executor.id });
    expect((await api('DELETE', `/executors/${executor.id}/rent`)).status).toBe(200);
    expect((await api('GET', `/pods/${pod.id}`)).status).toBe(404);
  });
});
