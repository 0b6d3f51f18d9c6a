import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Store } from '../state/store.ts';
import type { BackupLog, Operation, PodRecord, RestoreLog } from '../state/types.ts';

/** The pod directories a path may live in (what the pod's filesystem holds, see src/pods). */
const POD_ROOTS = ['root', 'workspace', 'tmp'] as const;

/**
 * Backups and restores that really copy files: a backup snapshots the pod's `backup_path`
 * directory into `<root>/backups/<log id>`, a restore copies it into the pod at `restore_path`.
 * Both report progress from 0 to 100 over `durationMs`, and finish on the next sweep after that.
 */
export class Backups {
  constructor(
    private readonly store: Store,
    private readonly backupRoot: string,
    private readonly podDataDir: (podId: string) => string,
    private readonly durationMs: number,
  ) {}

  backup(
    pod: PodRecord,
    name: string,
    description: string,
    backupPath: string,
    configId: string | null,
  ): BackupLog {
    const now = Date.now();
    const iso = new Date(now).toISOString();
    const log: BackupLog = {
      id: randomUUID(),
      backup_config_id: configId,
      pod_id: pod.id,
      name,
      description,
      backup_path: backupPath,
      status: 'PENDING',
      stage: 'queued',
      progress: 0,
      started_at: iso,
      completed_at: null,
      error_message: null,
      backup_volume_id: randomUUID(),
      total_files: 0,
      processed_files: 0,
      total_bytes: 0,
      processed_bytes: 0,
      created_at: iso,
      timing: { startMs: now, durationMs: this.durationMs },
      deleted: false,
    };
    this.store.backupLogs.set(log.id, log);
    this.store.changed();
    return log;
  }

  restore(pod: PodRecord, backup: BackupLog, restorePath: string): RestoreLog {
    const now = Date.now();
    const iso = new Date(now).toISOString();
    const log: RestoreLog = {
      id: randomUUID(),
      backup_id: backup.id,
      pod_id: pod.id,
      status: 'PENDING',
      stage: 'queued',
      progress: 0,
      started_at: iso,
      completed_at: null,
      error_message: null,
      logs: [`Restore of backup ${backup.id} into ${restorePath} queued`],
      restore_path: restorePath,
      created_at: iso,
      timing: { startMs: now, durationMs: this.durationMs },
    };
    this.store.restoreLogs.set(log.id, log);
    this.store.changed();
    return log;
  }

  /** Stops an operation that has not finished (a finished one is left as it is). */
  cancel(operation: BackupLog | RestoreLog): void {
    if (isFinished(operation.status)) return;
    operation.status = 'CANCELLED';
    operation.stage = 'cancelled';
    operation.completed_at = new Date().toISOString();
    if ('logs' in operation) operation.logs.push('Restore cancelled');
    this.store.changed();
  }

  deleteBackupData(log: BackupLog): void {
    rmSync(join(this.backupRoot, log.id), { recursive: true, force: true });
    log.deleted = true;
    this.store.changed();
  }

  /** Advances progress and finishes operations whose time is up. */
  sweep(now = Date.now()): void {
    for (const log of this.store.backupLogs.values()) {
      if (this.advance(log, now, 'uploading')) this.finish(log, () => this.copyBackup(log));
    }
    for (const log of this.store.restoreLogs.values()) {
      if (this.advance(log, now, 'downloading')) this.finish(log, () => this.copyRestore(log));
    }
  }

  /** Updates a running operation's progress; true when its time is up. */
  private advance(operation: Operation, now: number, runningStage: string): boolean {
    if (isFinished(operation.status)) return false;
    const fraction = progressOf(operation.timing, now);
    if (fraction >= 1) return true;
    operation.status = fraction > 0 ? 'IN_PROGRESS' : 'PENDING';
    operation.stage = fraction > 0 ? runningStage : 'queued';
    operation.progress = Math.floor(fraction * 100);
    return false;
  }

  /** Runs the operation's copy and records COMPLETED, or FAILED with the reason. */
  private finish(operation: BackupLog | RestoreLog, copy: () => void): void {
    try {
      copy();
      operation.status = 'COMPLETED';
      operation.stage = 'completed';
      operation.progress = 100;
    } catch (error) {
      operation.status = 'FAILED';
      operation.stage = 'failed';
      operation.error_message = error instanceof Error ? error.message : String(error);
    }
    operation.completed_at = new Date().toISOString();
    if ('logs' in operation) {
      operation.logs.push(
        operation.status === 'COMPLETED'
          ? `Restored into ${operation.restore_path}`
          : `Restore failed: ${operation.error_message}`,
      );
    }
    this.store.changed();
  }

  private copyBackup(log: BackupLog): void {
    const source = podPath(this.podDataDir(log.pod_id), log.backup_path);
    if (source === undefined || !existsSync(source))
      throw new Error(`${log.backup_path} does not exist on the pod`);
    const target = join(this.backupRoot, log.id);
    mkdirSync(this.backupRoot, { recursive: true });
    cpSync(source, target, { recursive: true, verbatimSymlinks: true });
    const { files, bytes } = measure(target);
    Object.assign(log, {
      total_files: files,
      processed_files: files,
      total_bytes: bytes,
      processed_bytes: bytes,
    });
  }

  private copyRestore(log: RestoreLog): void {
    const source = join(this.backupRoot, log.backup_id);
    const target = podPath(this.podDataDir(log.pod_id), log.restore_path);
    if (!this.store.pods.has(log.pod_id)) throw new Error('pod no longer exists');
    if (target === undefined)
      throw new Error(`${log.restore_path} is outside the pod's writable directories`);
    if (!existsSync(source)) throw new Error('backup data is gone (deleted)');
    mkdirSync(target, { recursive: true });
    cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  }
}

export function isFinished(status: string): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

function progressOf(timing: { startMs: number; durationMs: number }, now: number): number {
  if (timing.durationMs <= 0) return 1;
  return Math.min(1, Math.max(0, (now - timing.startMs) / timing.durationMs));
}

/** Maps a path inside the pod (`/root/x`) to the host directory that holds it, or undefined. */
export function podPath(dataDir: string, path: string): string | undefined {
  const clean = normalize(`/${path}`).replace(/\/+$/, '');
  const [, top, ...rest] = clean.split('/');
  if (!POD_ROOTS.includes(top as (typeof POD_ROOTS)[number])) return undefined;
  return join(dataDir, top as string, ...rest);
}

function measure(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const stat = statSync(dir);
  if (!stat.isDirectory()) return { files: 1, bytes: stat.size };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      files++;
      bytes += statSync(join(entry.parentPath, entry.name)).size;
    }
  }
  return { files, bytes };
}
