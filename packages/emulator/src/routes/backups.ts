import { randomUUID } from 'node:crypto';
import type { App } from '../app.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { RequestContext, Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import { isFinished, podPath } from '../runtime/backups.ts';
import type { BackupConfig, BackupLog, RestoreLog } from '../state/types.ts';
import { required, requirePod } from './lookup.ts';

export function backupRoutes(app: App): Route[] {
  const route = (method: string, pattern: string, handler: Route['handler']): Route => ({
    method,
    pattern,
    auth: 'required',
    handler,
  });
  const backupLog = (id: string | undefined): BackupLog => {
    const log = app.store.backupLogs.get((id ?? '').toLowerCase());
    if (log === undefined || log.deleted) throw notFound('Backup log');
    return log;
  };
  return [
    route('POST', '/backup-configs', (ctx) => createConfig(app, ctx)),
    route('GET', '/backup-configs', () => ({ body: [...app.store.backupConfigs.values()] })),
    route('GET', '/backup-configs/pod/{pod_id}', (ctx) => {
      const config = configForPod(app, ctx.params.pod_id ?? '');
      if (config === undefined) throw notFound('Backup configuration');
      return { body: config };
    }),
    route('DELETE', '/backup-configs/{config_id}', (ctx) => {
      const config = required(
        app.store.backupConfigs.get(ctx.params.config_id ?? ''),
        'Backup configuration',
      );
      app.store.backupConfigs.delete(config.id);
      app.store.changed();
      return { body: { success: true } };
    }),
    route('POST', '/pods/{pod_id}/backup', (ctx) => {
      const pod = requirePod(app, ctx.params.pod_id ?? '');
      const v = new Validator('body', ctx.body);
      const name = v.string('name', { required: true, minLength: 1 });
      const description = v.string('description') ?? '';
      v.done();
      const config = configForPod(app, pod.id);
      busy(app, pod.id);
      const log = app.backups.backup(
        pod,
        name as string,
        description,
        config?.backup_path ?? '/root',
        config?.id ?? null,
      );
      return { body: { success: true, backup_log_id: log.id } };
    }),
    route('POST', '/pods/{pod_id}/restore', (ctx) => {
      const pod = requirePod(app, ctx.params.pod_id ?? '');
      const v = new Validator('body', ctx.body);
      const backupId = v.uuid('backup_id', { required: true });
      const restorePath = v.string('restore_path') ?? '/root';
      if (podPath('/', restorePath) === undefined) {
        v.fail('restore_path', 'restore_path must be under /root, /workspace or /tmp');
      }
      v.done();
      const backup = backupLog(backupId);
      if (backup.status !== 'COMPLETED') {
        throw new HttpError(
          400,
          'bad_request',
          `Backup ${backup.id} is ${backup.status}, not COMPLETED`,
          {
            hint: 'Wait for the backup to complete, then restore it.',
          },
        );
      }
      busy(app, pod.id);
      const log = app.backups.restore(pod, backup, restorePath);
      return { body: { success: true, restore_log_id: log.id, restore_path: restorePath } };
    }),
    route('GET', '/pods/{pod_id}/restore-logs', (ctx) => {
      const pod = requirePod(app, ctx.params.pod_id ?? '');
      return {
        body: newestFirst(
          [...app.store.restoreLogs.values()].filter((l) => l.pod_id === pod.id),
        ).map(restoreView),
      };
    }),
    route('POST', '/restore-logs/{restore_id}/cancel', (ctx) => {
      const log = required(app.store.restoreLogs.get(ctx.params.restore_id ?? ''), 'Restore log');
      app.backups.cancel(log);
      return { body: { success: true, status: log.status } };
    }),
    route('GET', '/backup-logs/pod/{pod_id}', (ctx) => {
      const podId = (ctx.params.pod_id ?? '').toLowerCase();
      const items = newestFirst(
        [...app.store.backupLogs.values()].filter((l) => l.pod_id === podId && !l.deleted),
      );
      return {
        body: { items: items.map(backupView), total: items.length, page: 1, has_next: false },
      };
    }),
    route('GET', '/backup-logs', (ctx) => {
      const v = new Validator('query', Object.fromEntries(ctx.query));
      const page = v.int('page', { min: 1 }) ?? 1;
      const limit = v.int('limit', { min: 1, max: 1000 }) ?? 100;
      v.done();
      const all = newestFirst([...app.store.backupLogs.values()].filter((l) => !l.deleted));
      const items = all.slice((page - 1) * limit, page * limit);
      return {
        body: {
          items: items.map(backupView),
          total: all.length,
          page,
          has_next: page * limit < all.length,
        },
      };
    }),
    route('GET', '/backup-logs/{backup_id}', (ctx) => ({
      body: backupView(backupLog(ctx.params.backup_id)),
    })),
    route('DELETE', '/backup-logs/{backup_id}', (ctx) => {
      const log = backupLog(ctx.params.backup_id);
      app.backups.deleteBackupData(log);
      return { body: { success: true } };
    }),
    route('POST', '/backup-logs/{backup_id}/cancel', (ctx) => {
      const log = backupLog(ctx.params.backup_id);
      app.backups.cancel(log);
      return { body: { success: true, status: log.status } };
    }),
  ];
}

function createConfig(app: App, ctx: RequestContext) {
  const v = new Validator('body', ctx.body);
  // Before 2025-11-14 clients sent the executor id as `pod_executor_id` (reference §2.8).
  const podId = v.uuid('pod_id', { required: !v.has('pod_executor_id') });
  const executorId = v.uuid('pod_executor_id');
  const frequency = v.int('backup_frequency_hours', { required: true, min: 1 });
  const retention = v.int('retention_days', { required: true, min: 1 });
  const path = v.string('backup_path', { required: true, minLength: 1 });
  v.done();
  const pod =
    podId !== undefined
      ? requirePod(app, podId)
      : [...app.store.pods.values()].find((p) => p.executor_id === executorId);
  if (pod === undefined) throw notFound('Pod');
  if (configForPod(app, pod.id) !== undefined) {
    throw new HttpError(400, 'bad_request', 'Backup configuration already exists for this pod', {
      shape: 'message',
      hint: 'Delete the existing configuration (DELETE /backup-configs/{id}) first.',
    });
  }
  const now = Date.now();
  const config: BackupConfig = {
    id: randomUUID(),
    pod_id: pod.id,
    pod_executor_id: pod.executor_id,
    backup_frequency_hours: frequency as number,
    retention_days: retention as number,
    backup_path: path as string,
    is_active: true,
    next_backup_at: new Date(now + (frequency as number) * 3_600_000).toISOString(),
    created_at: new Date(now).toISOString(),
    updated_at: new Date(now).toISOString(),
  };
  app.store.backupConfigs.set(config.id, config);
  app.store.changed();
  return { body: config };
}

function configForPod(app: App, podId: string): BackupConfig | undefined {
  const id = podId.toLowerCase();
  return [...app.store.backupConfigs.values()].find(
    (c) => c.pod_id === id || c.pod_executor_id === id,
  );
}

/** One backup or restore at a time per pod; a second answers the structured conflict of §1.4. */
function busy(app: App, podId: string): void {
  const active =
    [...app.store.backupLogs.values()].find((l) => l.pod_id === podId && !isFinished(l.status)) ??
    [...app.store.restoreLogs.values()].find((l) => l.pod_id === podId && !isFinished(l.status));
  if (active === undefined) return;
  throw new HttpError(
    409,
    'conflict',
    { message: 'Another backup or restore is running on this pod', active_operation_id: active.id },
    { hint: 'Wait for it to finish or cancel it.' },
  );
}

function newestFirst<T extends { created_at: string }>(items: T[]): T[] {
  return items.sort((a, b) => b.created_at.localeCompare(a.created_at));
}

function elapsed(timing: { startMs: number }, completedAt: string | null): number {
  const end = completedAt === null ? Date.now() : Date.parse(completedAt);
  return Math.max(0, Math.round((end - timing.startMs) / 100) / 10);
}

function backupView(log: BackupLog): Record<string, unknown> {
  const { timing, deleted, ...wire } = log;
  const seconds = elapsed(timing, log.completed_at);
  return {
    ...wire,
    deletion_state: deleted ? 'DELETED' : null,
    status_message: log.error_message ?? log.stage,
    elapsed_seconds: seconds,
    throughput_bytes_per_second: seconds > 0 ? Math.round(log.processed_bytes / seconds) : 0,
    estimated_remaining_seconds: isFinished(log.status)
      ? 0
      : Math.max(0, Math.ceil((timing.startMs + timing.durationMs - Date.now()) / 1000)),
  };
}

function restoreView(log: RestoreLog): Record<string, unknown> {
  const { timing, ...wire } = log;
  return {
    ...wire,
    backup_engine: 'emulator-copy',
    restore_mode: 'copy',
    elapsed_seconds: elapsed(timing, log.completed_at),
    estimated_remaining_seconds: isFinished(log.status)
      ? 0
      : Math.max(0, Math.ceil((timing.startMs + timing.durationMs - Date.now()) / 1000)),
  };
}
