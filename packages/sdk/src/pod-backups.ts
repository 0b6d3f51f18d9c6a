/** Backups of a pod: configuration, backup now, restore, and their logs. */
import {
  type BackupConfigInfo,
  type BackupLogInfo,
  type RestoreLogInfo,
  toBackupConfigInfo,
  toBackupLogInfo,
  toRestoreLogInfo,
} from './account-models.ts';
import type { LiumCore } from './core.ts';
import { LiumSdkError } from './errors.ts';
import type { BackupConfigOptions, CallOptions, PodRef } from './options.ts';
import { podOf } from './pods.ts';

/** Options of {@link Lium.backupNow}. */
export interface BackupNowOptions extends CallOptions {
  /** The backup's name; default `manual-<UTC timestamp>`. */
  name?: string | undefined;
  /** Its description; default `Manual backup triggered from the Lium SDK`. */
  description?: string | undefined;
  /** Poll the backup's log until it completes; default false (return the id at once). */
  wait?: boolean | undefined;
  /** How long `wait` waits, ms; default 600 000. */
  timeoutMs?: number | undefined;
}

/** Options of {@link Lium.restoreBackup}. */
export interface RestoreBackupOptions extends CallOptions {
  /** Which backup: its backup log id, from {@link Lium.listBackupLogs}. */
  backupId: string;
  /** The pod directory to restore into (new or empty); default `/root`. */
  restorePath?: string | undefined;
  /** Poll the restore's log until it completes; default false (return the id at once). */
  wait?: boolean | undefined;
  /** How long `wait` waits, ms; default 600 000. */
  timeoutMs?: number | undefined;
}

export async function setBackupConfig(
  core: LiumCore,
  pod: PodRef,
  options: BackupConfigOptions = {},
): Promise<BackupConfigInfo> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  const created = await api.createBackupConfig(
    {
      podId: target.id,
      backupPath: options.path ?? '/root',
      backupFrequencyHours: options.frequencyHours ?? 6,
      retentionDays: options.retentionDays ?? 7,
    },
    { signal: options.signal },
  );
  return toBackupConfigInfo(created);
}

export async function getBackupConfig(
  core: LiumCore,
  pod: PodRef,
  options?: CallOptions,
): Promise<BackupConfigInfo | null> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  const config = await api.getBackupConfigForPod(target.id, { signal: options?.signal });
  return config ? toBackupConfigInfo(config) : null;
}

export async function removeBackupConfig(
  core: LiumCore,
  pod: PodRef,
  options?: CallOptions,
): Promise<boolean> {
  const api = await core.api();
  const config = await getBackupConfig(core, pod, options);
  if (!config) return false;
  await api.deleteBackupConfig(config.id, { signal: options?.signal });
  return true;
}

export async function backupNow(
  core: LiumCore,
  pod: PodRef,
  options: BackupNowOptions = {},
): Promise<{ backupLogId: string; log?: BackupLogInfo }> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const result = await api.backupPod(
    target.id,
    {
      name: options.name ?? `manual-${stamp}`,
      description: options.description ?? 'Manual backup triggered from the Lium SDK',
    },
    { signal: options.signal },
  );
  const backupLogId = result.backup_log_id;
  if (!options.wait) return { backupLogId };
  const log = await untilDone(
    core,
    'backup',
    async () => toBackupLogInfo(await api.getBackupLog(backupLogId, { signal: options.signal })),
    options,
  );
  return { backupLogId, log };
}

/** Polls an operation log until it is done; failed and timed-out operations throw. */
async function untilDone<T extends BackupLogInfo | RestoreLogInfo>(
  core: LiumCore,
  what: 'backup' | 'restore',
  read: () => Promise<T | undefined>,
  options: CallOptions & { timeoutMs?: number | undefined },
): Promise<T> {
  const done = await core.poll(options.timeoutMs ?? 600_000, options.signal, async () => {
    const log = await read();
    const status = log?.status;
    if (log && (status === 'COMPLETED' || status === 'SUCCESS')) return log;
    if (status === 'FAILED' || status === 'ERROR') {
      const reason = log?.errorMessage ? `: ${log.errorMessage}` : '';
      throw new LiumSdkError(`The ${what} failed${reason}`, {
        code: what === 'backup' ? 'backup_failed' : 'restore_failed',
        hint: `See lium.list${what === 'backup' ? 'Backup' : 'Restore'}Logs(pod) for details.`,
      });
    }
    return undefined;
  });
  if (done) return done;
  throw new LiumSdkError(`The ${what} did not finish in time`, {
    code: what === 'backup' ? 'backup_timeout' : 'restore_timeout',
    hint: 'It may still finish; check its log later, or wait longer (timeoutMs).',
  });
}

export async function listBackupLogs(
  core: LiumCore,
  pod: PodRef,
  options?: CallOptions,
): Promise<BackupLogInfo[]> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  return (await api.getBackupLogsForPod(target.id, { signal: options?.signal })).map(
    toBackupLogInfo,
  );
}

export async function restoreBackup(
  core: LiumCore,
  pod: PodRef,
  options: RestoreBackupOptions,
): Promise<{ restoreLogId: string; log?: RestoreLogInfo }> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  const call = { signal: options.signal };
  const result = await api.restorePod(
    target.id,
    { backupId: options.backupId, restorePath: options.restorePath ?? '/root' },
    call,
  );
  const restoreLogId = result.restore_log_id;
  if (!options.wait) return { restoreLogId };
  const log = await untilDone(
    core,
    'restore',
    async () => {
      const log = (await api.getRestoreLogs(target.id, call)).find((l) => l.id === restoreLogId);
      return log && toRestoreLogInfo(log);
    },
    options,
  );
  return { restoreLogId, log };
}

export async function listRestoreLogs(
  core: LiumCore,
  pod: PodRef,
  options?: CallOptions,
): Promise<RestoreLogInfo[]> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  return (await api.getRestoreLogs(target.id, { signal: options?.signal })).map(toRestoreLogInfo);
}
