import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  type ExecutorRow,
  executorPool,
  newKeyPair,
  type PodRow,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
  waitForTemplate,
} from './helpers.ts';

describe('pod lifecycle', () => {
  let emulator: Emulator;
  let api: ApiClient;
  let freeExecutor: () => ExecutorRow;
  const keys = newKeyPair();
  const runningPod = async (): Promise<PodRow> =>
    waitForPod(api, (await rentPod(api, keys.publicKey, { executorId: freeExecutor().id })).id);

  beforeAll(async () => {
    emulator = await startTestEmulator({ creationFailedVisibleMs: 300 });
    api = apiClient(emulator);
    freeExecutor = await executorPool(api);
  });
  afterAll(() => emulator.close());

  it('reboots through REBOOT_PENDING, keeping the host key, the port and the files', async () => {
    const pod = await runningPod();
    const before = await sshExec(sshPortOf(pod), keys.privateKey, 'echo kept > /root/note');
    const rebooted = await api<PodRow>('POST', `/pods/${pod.id}/reboot`, {});
    expect(rebooted.status).toBe(200);
    expect(rebooted.body.status).toBe('REBOOT_PENDING');
    expect(rebooted.body.ssh_connect_cmd).toBeNull();
    // While rebooting, GET /pods says so too, with the ETA fields of a starting pod.
    const listed = (await api<PodRow[]>('GET', '/pods')).body.find((row) => row.id === pod.id);
    expect(listed).toMatchObject({ status: 'REBOOT_PENDING', ssh_connect_cmd: null });
    expect(listed).toHaveProperty('estimated_ready_seconds');
    const back = await waitForPod(api, pod.id);
    expect(back.ssh_connect_cmd).toBe(pod.ssh_connect_cmd);
    const after = await sshExec(sshPortOf(back), keys.privateKey, 'cat /root/note');
    expect(after.stdout).toBe('kept\n');
    expect(after.hostKey).toBe(before.hostKey);
  });

  it('gives a new host key after reboot when that fault is set', async () => {
    const pod = await runningPod();
    const before = await sshExec(sshPortOf(pod), keys.privateKey, 'true');
    emulator.control.setPodFaults(pod.id, { changeHostKeyOnReboot: true });
    await api('POST', `/pods/${pod.id}/reboot`, {});
    const back = await waitForPod(api, pod.id);
    const after = await sshExec(sshPortOf(back), keys.privateKey, 'true');
    expect(after.hostKey).not.toBe(before.hostKey);
    expect(emulator.control.pod(pod.id)?.hostPublicKey).toBe(`ssh-ed25519 ${after.hostKey}`);
  });

  it('stops every billed pod when the balance reaches $0, and a funded reboot revives it', async () => {
    const pod = await runningPod();
    const pending = await rentPod(api, keys.publicKey, { executorId: freeExecutor().id });
    emulator.control.setBalance(0);
    const rows = (await api<PodRow[]>('GET', '/pods')).body;
    for (const id of [pod.id, pending.id]) {
      expect(rows.find((row) => row.id === id)).toMatchObject({
        status: 'STOPPED',
        ssh_connect_cmd: null,
      });
    }
    const me = await api<{ balance: number }>('GET', '/users/me');
    expect(me.body.balance).toBe(0);
    const events = await api<{ type: string; reason: string }[]>('GET', `/pods/${pod.id}/events`);
    expect(JSON.stringify(events.body)).toContain('InsufficientBalance');
    await new Promise((resolve) => setTimeout(resolve, 500)); // the SSH server stops
    await expect(sshExec(sshPortOf(pod), keys.privateKey, 'true')).rejects.toThrow();
    // No money, no reboot; with money, the pod comes back with its files.
    expect((await api('POST', `/pods/${pod.id}/reboot`, {})).status).toBe(403);
    emulator.control.setBalance(1000);
    expect((await api('POST', `/pods/${pod.id}/reboot`, {})).status).toBe(200);
    const back = await waitForPod(api, pod.id);
    expect(back.status).toBe('RUNNING');
    for (const id of [pod.id, pending.id]) await api('DELETE', `/pods/${id}`);
  });

  it('refuses to reboot a pod that is not running', async () => {
    const rented = await rentPod(api, keys.publicKey, { executorId: freeExecutor().id });
    const response = await api('POST', `/pods/${rented.id}/reboot`, {});
    expect(response.status).toBe(400);
  });

  it('switches template: the pod gets a cloned template id and its data is gone', async () => {
    const pod = await runningPod();
    await sshExec(sshPortOf(pod), keys.privateKey, 'echo old > /root/old');
    const ubuntu = 'a1c3d5e7-2b4d-4f60-8a9c-0e1f2a3b4c5d';
    const switched = await api<{ status: string; template_id: string; gpu_count: string }>(
      'PUT',
      `/pods/${pod.id}/switch-template`,
      {
        template_id: ubuntu,
      },
    );
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({ status: 'PENDING', gpu_count: expect.any(String) });
    expect(switched.body.template_id).not.toBe(ubuntu);
    const back = await waitForPod(api, pod.id);
    expect(back.template).toMatchObject({
      id: switched.body.template_id,
      docker_image: 'daturaai/ubuntu',
    });
    const listing = await sshExec(
      sshPortOf(back),
      keys.privateKey,
      'test -e /root/old && echo there || echo gone',
    );
    expect(listing.stdout).toBe('gone\n');
    // The clone is the pod's own: not listed, but reachable by id and editable (the official
    // SDK's edit(pod_id, …) sends PUT /templates/{pod.template.id}).
    const clone = switched.body.template_id;
    const templates = await api<{ id: string }[]>('GET', '/templates');
    expect(templates.body.map((t) => t.id)).not.toContain(clone);
    const fetched = await api<Record<string, unknown>>('GET', `/templates/${clone}`);
    expect(fetched.status).toBe(200);
    const edited = await api<{ startup_commands: string }>('PUT', `/templates/${clone}`, {
      ...back.template,
      startup_commands: 'echo edited',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.startup_commands).toBe('echo edited');
    // Lium's own templates stay read-only.
    expect((await api('PUT', `/templates/${ubuntu}`, { name: 'mine' })).status).toBe(403);
  });

  it('removes a pod at its scheduled time, and a cancelled schedule does nothing', async () => {
    const doomed = await runningPod();
    const kept = await runningPod();
    const soon = new Date(Date.now() + 400).toISOString().replace('Z', '+00:00');
    const scheduled = await api('POST', `/pods/${doomed.id}/schedule-removal`, {
      removal_scheduled_at: soon,
    });
    expect(scheduled.status).toBe(200);
    await api('POST', `/pods/${kept.id}/schedule-removal`, {
      removal_scheduled_at: new Date(Date.now() + 400).toISOString(),
    });
    expect((await api<PodRow>('GET', `/pods/${kept.id}`)).body.removal_scheduled_at).toEqual(
      expect.any(String),
    );
    expect((await api('DELETE', `/pods/${kept.id}/schedule-removal`)).status).toBe(200);
    await waitUntil(async () => (await api('GET', `/pods/${doomed.id}`)).status === 404);
    await expect(sshExec(sshPortOf(doomed), keys.privateKey, 'true')).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await api<PodRow>('GET', `/pods/${kept.id}`)).body).toMatchObject({
      status: 'RUNNING',
      removal_scheduled_at: null,
    });
    const past = await api('POST', `/pods/${kept.id}/schedule-removal`, {
      removal_scheduled_at: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    const garbage = await api('POST', `/pods/${kept.id}/schedule-removal`, {
      removal_scheduled_at: 'tomorrow-ish',
    });
    expect(garbage.status).toBe(422);
  });

  it('fails creation on demand: CREATION_FAILED, the executor returns, the row expires', async () => {
    emulator.control.failNextRents(1);
    const executorId = freeExecutor().id;
    const rented = await rentPod(api, keys.publicKey, { executorId });
    const failed = await waitForPod(api, rented.id, (p) => p.status === 'CREATION_FAILED');
    expect(failed.ssh_connect_cmd).toBeNull();
    const listed = (await api<ExecutorRow[]>('GET', '/executors')).body;
    expect(listed.some((e) => e.id === executorId)).toBe(true);
    await waitUntil(async () => (await api('GET', `/pods/${rented.id}`)).status === 404);
    const events = await api('GET', `/pods/${rented.id}/events`);
    expect(events.status).toBe(404);
  });

  it('breaks a pod on demand (FAILED, still listed, SSH gone) and reboots it back', async () => {
    const pod = await runningPod();
    await sshExec(sshPortOf(pod), keys.privateKey, 'echo survives > /root/f');
    emulator.control.failPod(pod.id);
    const failed = (await api<PodRow>('GET', `/pods/${pod.id}`)).body;
    expect(failed).toMatchObject({ status: 'FAILED', ssh_connect_cmd: null });
    await waitUntil(async () =>
      sshExec(sshPortOf(pod), keys.privateKey, 'true').then(
        () => false,
        () => true,
      ),
    );
    expect((await api('POST', `/pods/${pod.id}/reboot`, {})).status).toBe(200);
    const back = await waitForPod(api, pod.id);
    expect((await sshExec(sshPortOf(back), keys.privateKey, 'cat /root/f')).stdout).toBe(
      'survives\n',
    );
  });

  it('records pod events', async () => {
    const pod = await runningPod();
    const events = await api<{ type: string }[]>('GET', `/pods/${pod.id}/events`);
    expect(events.body.map((e) => e.type)).toEqual(['pod.created', 'pod.running']);
  });

  it('installs Jupyter on a mapped port', async () => {
    const pod = await runningPod();
    const response = await api('POST', `/pods/${pod.id}/install-jupyter`, {
      jupyter_internal_port: 8888,
    });
    expect(response.status).toBe(200);
    const after = await api<{ jupyter_installation_status: string; jupyter_url: string }>(
      'GET',
      `/pods/${pod.id}`,
    );
    expect(after.body.jupyter_installation_status).toBe('SUCCESS');
    expect(after.body.jupyter_url).toContain(`:${pod.ports_mapping['8888']}/`);
    expect(
      (await api('POST', `/pods/${pod.id}/install-jupyter`, { jupyter_internal_port: 1234 }))
        .status,
    ).toBe(400);
  });
});

describe('templates', () => {
  let emulator: Emulator;
  let api: ApiClient;
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 10 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it('lists the official templates, the default PyTorch one included', async () => {
    const templates = (
      await api<
        { id: string; name: string; category: string; user_id: string | null; status: string }[]
      >('GET', '/templates')
    ).body;
    const pytorch = templates.find((t) => t.id === '1948937e-5049-47ad-8e26-bcf1a4549d70');
    expect(pytorch).toMatchObject({ category: 'PYTORCH', user_id: null, status: 'VERIFY_SUCCESS' });
    expect(pytorch?.name.startsWith('Pytorch (Cuda)')).toBe(true);
    expect(templates.some((t) => t.category === 'UBUNTU')).toBe(true);
  });

  it('verifies new templates: VERIFY_PENDING → VERIFY_SUCCESS, or VERIFY_FAILED on demand', async () => {
    const body = {
      name: 'mine',
      docker_image: 'me/image',
      docker_image_tag: 'v1',
      internal_ports: [22, 8000],
      environment: {},
    };
    const created = await api<{ id: string; status: string; user_id: string }>(
      'POST',
      '/templates',
      body,
    );
    expect(created.body.status).toBe('VERIFY_PENDING');
    const me = await api<{ id: string }>('GET', '/users/me');
    expect(created.body.user_id).toBe(me.body.id);
    expect(await waitForTemplate(api, created.body.id)).toBe('VERIFY_SUCCESS');
    emulator.control.failNextTemplateVerifications();
    const bad = await api<{ id: string }>('POST', '/templates', { ...body, name: 'bad' });
    expect(await waitForTemplate(api, bad.body.id)).toBe('VERIFY_FAILED');
    const rent = await api(
      'POST',
      `/executors/${(await api<ExecutorRow[]>('GET', '/executors?size=1')).body[0]?.id}/rent`,
      {
        pod_name: 'x',
        template_id: bad.body.id,
        user_public_key: [newKeyPair().publicKey],
      },
    );
    expect(rent.status).toBe(400);
  });

  it('updates and deletes only your own templates', async () => {
    const created = await api<Record<string, unknown> & { id: string }>('POST', '/templates', {
      name: 'edit-me',
      docker_image: 'me/edit',
    });
    const updated = await api<{ name: string; id: string }>(
      'PUT',
      `/templates/${created.body.id}`,
      { ...created.body, name: 'edited' },
    );
    expect(updated.body).toMatchObject({ id: created.body.id, name: 'edited' });
    const official = await api('PUT', '/templates/1948937e-5049-47ad-8e26-bcf1a4549d70', {
      name: 'hijack',
    });
    expect(official.status).toBe(403);
    expect((await api('DELETE', `/templates/${created.body.id}`)).status).toBe(200);
    expect((await api('GET', `/templates/${created.body.id}`)).status).toBe(404);
    const invalid = await api('POST', '/templates', {
      name: 'x',
      docker_image: 'y',
      category: 'NOPE',
    });
    expect(invalid.status).toBe(422);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
