import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  newKeyPair,
  type PodRow,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
  waitForTemplate,
} from './helpers.ts';

describe('the remaining endpoints', () => {
  let emulator: Emulator;
  let api: ApiClient;
  const keys = newKeyPair();
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 20, backupDurationMs: 1_500 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it('finds a pod by its executor id, as 2025 clients asked right after renting', async () => {
    const pod = await rentPod(api, keys.publicKey);
    const byExecutor = await api<PodRow>('GET', `/pods/${pod.executor.id}`);
    expect(byExecutor.body.id).toBe(pod.id);
  });

  it('lists account events newest first, filtered by pod', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    const events = await api<{ pod_id: string; type: string; actor: null }[]>(
      'GET',
      `/users/me/events?pod_id=${pod.id}`,
    );
    expect(events.body.map((e) => e.type)).toEqual(['pod.running', 'pod.created']);
    expect(events.body.every((e) => e.pod_id === pod.id && e.actor === null)).toBe(true);
  });

  it('reboots onto a volume, and refuses an unknown one', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    const unknown = await api('POST', `/pods/${pod.id}/reboot`, {
      volume_id: '0b7e6b0e-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(404);
    const volume = await api<{ id: string }>('POST', '/volumes', { name: 'v', description: '' });
    const rebooted = await api<{ volume_id: string; status: string }>(
      'POST',
      `/pods/${pod.id}/reboot`,
      { volume_id: volume.body.id },
    );
    expect(rebooted.body).toMatchObject({ status: 'REBOOT_PENDING', volume_id: volume.body.id });
  });

  it('restarts the pods of a template when the template is updated', async () => {
    const template = await api<Record<string, unknown> & { id: string }>('POST', '/templates', {
      name: 't',
      docker_image: 'me/t',
    });
    await waitForTemplate(api, template.body.id);
    const pod = await waitForPod(
      api,
      (await rentPod(api, keys.publicKey, { templateId: template.body.id })).id,
    );
    const current = (await api<Record<string, unknown>>('GET', `/templates/${template.body.id}`))
      .body;
    await api('PUT', `/templates/${template.body.id}`, {
      ...current,
      environment: { MODE: 'new' },
    });
    expect((await api<PodRow>('GET', `/pods/${pod.id}`)).body.status).toBe('PENDING');
    const back = await waitForPod(api, pod.id);
    expect((await sshExec(sshPortOf(back), keys.privateKey, 'echo $MODE')).stdout).toBe('new\n');
  });

  it('refuses to restore an unfinished backup, and cancels a running restore', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    const backup = await api<{ backup_log_id: string }>('POST', `/pods/${pod.id}/backup`, {
      name: 'b',
      description: '',
    });
    const early = await api('POST', `/pods/${pod.id}/restore`, {
      backup_id: backup.body.backup_log_id,
      restore_path: '/root/r',
    });
    expect(early.status).toBe(400);
    for (;;) {
      const log = await api<{ status: string }>('GET', `/backup-logs/${backup.body.backup_log_id}`);
      if (log.body.status === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const restore = await api<{ restore_log_id: string }>('POST', `/pods/${pod.id}/restore`, {
      backup_id: backup.body.backup_log_id,
      restore_path: '/root/r',
    });
    const cancelled = await api('POST', `/restore-logs/${restore.body.restore_log_id}/cancel`);
    expect(cancelled.body).toMatchObject({ success: true, status: 'CANCELLED' });
    const logs = await api<{ id: string; status: string }[]>('GET', `/pods/${pod.id}/restore-logs`);
    expect(logs.body[0]).toMatchObject({ id: restore.body.restore_log_id, status: 'CANCELLED' });
  });

  it('serves an audit log of the account changes, newest first, with a cursor', async () => {
    const pod = await rentPod(api, keys.publicKey, { headers: { 'X-Source': 'cli' } });
    await api(
      'POST',
      '/ssh-keys',
      { name: 'audited', public_key: keys.publicKey },
      { 'X-Source': 'sdk' },
    );
    const audit = await api<{
      items: { action: string; source: string; resource_id: string | null; status_code: number }[];
      next_cursor: string | null;
    }>('GET', '/account/audit?limit=1');
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: 'ssh_key.create', source: 'sdk', status_code: 200 }),
    ]);
    expect(audit.body.next_cursor).toEqual(expect.any(String));
    const older = await api<{ items: { action: string }[] }>(
      'GET',
      `/account/audit?limit=500&cursor=${audit.body.next_cursor}`,
    );
    expect(older.body.items.some((i) => i.action === 'ssh_key.create')).toBe(false);
    const pods = await api<{ items: { action: string; source: string; resource_id: string }[] }>(
      'GET',
      '/account/audit?action=pod.create',
    );
    expect(pods.body.items[0]).toMatchObject({
      action: 'pod.create',
      source: 'cli',
      resource_id: pod.executor.id,
    });
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const response = await api('POST', '/ssh-keys', {
      name: 'x',
      public_key: 'a'.repeat(1_100_000),
    });
    expect(response.status).toBe(413);
  });
});
