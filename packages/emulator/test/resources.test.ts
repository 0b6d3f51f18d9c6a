import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  type ExecutorRow,
  newKeyPair,
  PYTORCH_TEMPLATE,
  rentPod,
  sshExec,
  sshPortOf,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

describe('ssh keys, volumes, docker credentials', () => {
  let emulator: Emulator;
  let api: ApiClient;
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 20 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it('creates, lists, updates and deletes ssh keys', async () => {
    const { publicKey } = newKeyPair();
    const created = await api<{
      id: string;
      name: string;
      public_key: string;
      user_id: string;
      created_at: string;
    }>('POST', '/ssh-keys', {
      name: 'laptop',
      public_key: publicKey,
    });
    expect(created.body).toMatchObject({
      name: 'laptop',
      public_key: publicKey,
      created_at: expect.any(String),
    });
    expect((await api<unknown[]>('GET', '/ssh-keys')).body).toHaveLength(1);
    expect((await api<unknown[]>('GET', '/ssh-keys/me')).body).toHaveLength(1);
    const renamed = await api('PUT', `/ssh-keys/${created.body.id}`, {
      name: 'desk',
      public_key: publicKey,
    });
    expect(renamed.body).toMatchObject({ name: 'desk' });
    expect((await api('POST', '/ssh-keys', { name: 'bad', public_key: 'hello' })).status).toBe(422);
    expect((await api('DELETE', `/ssh-keys/${created.body.id}`)).status).toBe(200);
    expect((await api('DELETE', `/ssh-keys/${created.body.id}`)).status).toBe(404);
    expect((await api<unknown[]>('GET', '/ssh-keys')).body).toEqual([]);
  });

  it('manages volumes and attaches them at rent', async () => {
    const created = await api<{ id: string; current_size_bytes: number; current_size_gb: number }>(
      'POST',
      '/volumes',
      {
        name: 'data',
        description: 'datasets',
      },
    );
    expect(created.body).toMatchObject({
      current_size_bytes: 0,
      current_size_gb: 0,
      current_file_count: 0,
    });
    expect((await api('GET', `/volumes/${created.body.id}`)).body).toMatchObject({
      name: 'data',
      description: 'datasets',
    });
    expect(
      (await api('PUT', `/volumes/${created.body.id}`, { description: 'more' })).body,
    ).toMatchObject({ name: 'data', description: 'more' });
    expect((await api('PUT', `/volumes/${created.body.id}`, {})).status).toBe(400);
    const executor = (await api<ExecutorRow[]>('GET', '/executors?size=1')).body[0] as ExecutorRow;
    const rented = await api<{ id: string; volume_id: string }>(
      'POST',
      `/executors/${executor.id}/rent`,
      {
        pod_name: 'with-volume',
        template_id: PYTORCH_TEMPLATE,
        volume_id: created.body.id,
        user_public_key: [newKeyPair().publicKey],
      },
    );
    expect(rented.body.volume_id).toBe(created.body.id);
    expect((await api('DELETE', `/volumes/${created.body.id}`)).status).toBe(400);
    await api('DELETE', `/pods/${rented.body.id}`);
    expect((await api('DELETE', `/volumes/${created.body.id}`)).status).toBe(200);
    expect((await api('GET', `/volumes/${created.body.id}`)).status).toBe(404);
  });

  it('keeps docker credentials (older SDKs)', async () => {
    const generated = await api<{ id: string; username: string }>('POST', '/docker-credentials/');
    expect(generated.body.username).toEqual(expect.any(String));
    const given = await api('POST', '/docker-credentials', {
      docker_username: 'me',
      docker_password: 'pw',
    });
    expect(given.body).toMatchObject({ username: 'me' });
    expect((await api<unknown[]>('GET', '/docker-credentials/')).body).toHaveLength(2);
    expect((await api('DELETE', `/docker-credentials/${generated.body.id}`)).status).toBe(200);
  });
});

describe('backups and restores', () => {
  let emulator: Emulator;
  let api: ApiClient;
  const keys = newKeyPair();
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 20, backupDurationMs: 300 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it('keeps one backup config per pod (400 {"message"} for a second)', async () => {
    const pod = await rentPod(api, keys.publicKey);
    const body = {
      pod_id: pod.id,
      backup_frequency_hours: 6,
      retention_days: 7,
      backup_path: '/root',
    };
    const created = await api<{ id: string; pod_executor_id: string; is_active: boolean }>(
      'POST',
      '/backup-configs',
      body,
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      pod_executor_id: pod.executor.id,
      is_active: true,
      backup_path: '/root',
    });
    const again = await api<{ message: string }>('POST', '/backup-configs', body);
    expect(again.status).toBe(400);
    expect(again.body.message).toContain('Backup configuration already exists');
    expect((await api('GET', `/backup-configs/pod/${pod.id}`)).body).toMatchObject({
      id: created.body.id,
    });
    expect((await api<unknown[]>('GET', '/backup-configs')).body).toHaveLength(1);
    expect((await api('DELETE', `/backup-configs/${created.body.id}`)).body).toEqual({
      success: true,
    });
    expect((await api('GET', `/backup-configs/pod/${pod.id}`)).status).toBe(404);
  });

  it('backs up real files with progress and restores them into another pod', async () => {
    const source = await waitForPod(
      api,
      (await rentPod(api, keys.publicKey, { name: 'source' })).id,
    );
    await sshExec(
      sshPortOf(source),
      keys.privateKey,
      'mkdir -p /root/project && echo precious > /root/project/data.txt',
    );
    await api('POST', '/backup-configs', {
      pod_id: source.id,
      backup_frequency_hours: 6,
      retention_days: 7,
      backup_path: '/root/project',
    });
    const started = await api<{ success: boolean; backup_log_id: string }>(
      'POST',
      `/pods/${source.id}/backup`,
      {
        name: 'manual-1',
        description: 'Manual backup triggered from CLI',
      },
    );
    expect(started.body.success).toBe(true);
    const conflict = await api<{ detail: { active_operation_id: string } }>(
      'POST',
      `/pods/${source.id}/backup`,
      { name: 'again', description: '' },
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.detail.active_operation_id).toBe(started.body.backup_log_id);
    const statuses = new Set<string>();
    let log: { status: string; progress: number; total_files: number };
    do {
      log = (await api<typeof log>('GET', `/backup-logs/${started.body.backup_log_id}`)).body;
      statuses.add(log.status);
      await new Promise((resolve) => setTimeout(resolve, 30));
    } while (log.status !== 'COMPLETED' && log.status !== 'FAILED');
    expect(log).toMatchObject({ status: 'COMPLETED', progress: 100, total_files: 1 });
    expect(statuses.has('IN_PROGRESS') || statuses.has('PENDING')).toBe(true);
    const forPod = await api<{ items: { id: string }[] }>('GET', `/backup-logs/pod/${source.id}`);
    expect(forPod.body.items[0]?.id).toBe(started.body.backup_log_id);

    const target = await waitForPod(
      api,
      (await rentPod(api, keys.publicKey, { name: 'target' })).id,
    );
    const restore = await api<{ restore_log_id: string }>('POST', `/pods/${target.id}/restore`, {
      backup_id: started.body.backup_log_id,
      restore_path: '/workspace/restored',
    });
    expect(restore.body.restore_log_id).toEqual(expect.any(String));
    let restoreLog: { status: string; progress: number } | undefined;
    do {
      await new Promise((resolve) => setTimeout(resolve, 30));
      restoreLog = (
        await api<{ id: string; status: string; progress: number }[]>(
          'GET',
          `/pods/${target.id}/restore-logs`,
        )
      ).body[0];
    } while (
      restoreLog !== undefined &&
      restoreLog.status !== 'COMPLETED' &&
      restoreLog.status !== 'FAILED'
    );
    expect(restoreLog).toMatchObject({ status: 'COMPLETED', progress: 100 });
    const read = await sshExec(
      sshPortOf(target),
      keys.privateKey,
      'cat /workspace/restored/data.txt',
    );
    expect(read.stdout).toBe('precious\n');
    expect((await api('DELETE', `/backup-logs/${started.body.backup_log_id}`)).status).toBe(200);
    expect((await api('GET', `/backup-logs/${started.body.backup_log_id}`)).status).toBe(404);
  });

  it('never follows a pod symlink out of the pod', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    const outside = emulator.control.pod(pod.id)?.dataDir as string;
    await sshExec(
      sshPortOf(pod),
      keys.privateKey,
      `ln -s ${outside}/.. /root/escape && mkdir -p /root/ok && echo x > /root/ok/f`,
    );
    await api('POST', '/backup-configs', {
      pod_id: pod.id,
      backup_frequency_hours: 6,
      retention_days: 7,
      backup_path: '/root/escape',
    });
    const started = await api<{ backup_log_id: string }>('POST', `/pods/${pod.id}/backup`, {
      name: 'b',
      description: '',
    });
    let log: { status: string; error_message: string | null };
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      log = (await api<typeof log>('GET', `/backup-logs/${started.body.backup_log_id}`)).body;
    } while (log.status !== 'COMPLETED' && log.status !== 'FAILED');
    expect(log.status).toBe('FAILED');
    expect(log.error_message).toContain('outside the pod');

    // Nor does a restore write through a link the pod placed at the restore path.
    await api(
      'DELETE',
      `/backup-configs/${(await api<{ id: string }>('GET', `/backup-configs/pod/${pod.id}`)).body.id}`,
    );
    await api('POST', '/backup-configs', {
      pod_id: pod.id,
      backup_frequency_hours: 6,
      retention_days: 7,
      backup_path: '/root/ok',
    });
    const good = await api<{ backup_log_id: string }>('POST', `/pods/${pod.id}/backup`, {
      name: 'ok',
      description: '',
    });
    await waitForOperation(() =>
      api<{ status: string }>('GET', `/backup-logs/${good.body.backup_log_id}`).then((r) => r.body),
    );
    const restore = await api<{ restore_log_id: string }>('POST', `/pods/${pod.id}/restore`, {
      backup_id: good.body.backup_log_id,
      restore_path: '/root/escape/stolen',
    });
    const restored = await waitForOperation(async () =>
      (
        await api<{ id: string; status: string; error_message: string | null }[]>(
          'GET',
          `/pods/${pod.id}/restore-logs`,
        )
      ).body.find((l) => l.id === restore.body.restore_log_id),
    );
    expect(restored).toMatchObject({
      status: 'FAILED',
      error_message: expect.stringContaining('outside the pod'),
    });
    expect(existsSync(join(outside, '..', 'stolen'))).toBe(false);
  });

  it('fails the next backups on request (failNextBackups), with the reason as error_message', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    emulator.control.failNextBackups(1, 'disk quota exceeded');
    const run = async () => {
      const started = await api<{ backup_log_id: string }>('POST', `/pods/${pod.id}/backup`, {
        name: 'b',
        description: '',
      });
      return waitForOperation(() =>
        api<{ status: string; error_message: string | null; progress: number }>(
          'GET',
          `/backup-logs/${started.body.backup_log_id}`,
        ).then((r) => r.body),
      );
    };
    expect(await run()).toMatchObject({ status: 'FAILED', error_message: 'disk quota exceeded' });
    expect(await run()).toMatchObject({ status: 'COMPLETED', error_message: null });
  });

  it('cancels a running backup', async () => {
    const pod = await waitForPod(api, (await rentPod(api, keys.publicKey)).id);
    const started = await api<{ backup_log_id: string }>('POST', `/pods/${pod.id}/backup`, {
      name: 'b',
      description: '',
    });
    const cancelled = await api('POST', `/backup-logs/${started.body.backup_log_id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
    const all = await api<{ items: { id: string; status: string }[]; has_next: boolean }>(
      'GET',
      '/backup-logs/?page=1&limit=100',
    );
    expect(all.body.items.find((l) => l.id === started.body.backup_log_id)?.status).toBe(
      'CANCELLED',
    );
    expect(all.body.has_next).toBe(false);
  });
});

async function waitForOperation<T extends { status: string }>(
  read: () => Promise<T | undefined>,
): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const current = await read();
    if (current !== undefined && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.status))
      return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('operation never finished');
}
