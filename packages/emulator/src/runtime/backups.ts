import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  type Stats,
  symlinkSync,
} from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
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

  /** Reasons the next backups fail with, oldest first (a test's `failNextBackups`). */
  private readonly failures: string[] = [];
  /** Backup log id → the injected reason it fails with when its time is up. */
  private readonly doomed = new Map<string, string>();

  /** The next `count` backups started end in FAILED with `reason` once their time is up. */
  failNext(count: number, reason: string): void {
    for (let i = 0; i < count; i++) this.failures.push(reason);
  }

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
    const failure = this.failures.shift();
    if (failure !== undefined) this.doomed.set(log.id, failure);
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
    const failure = this.doomed.get(log.id);
    if (failure !== undefined) {
      this.doomed.delete(log.id);
      throw new Error(failure);
    }
    const dataDir = this.podDataDir(log.pod_id);
    const source = podPath(dataDir, log.backup_path);
    if (source === undefined || !existsSync(source)) {
      throw new Error(`${log.backup_path} does not exist on the pod`);
    }
    requireInside(dataDir, source, log.backup_path);
    mkdirSync(this.backupRoot, { recursive: true });
    copyTree(source, join(this.backupRoot, log.id));
    const { files, bytes } = measure(join(this.backupRoot, log.id));
    Object.assign(log, {
      total_files: files,
      processed_files: files,
      total_bytes: bytes,
      processed_bytes: bytes,
    });
  }

  private copyRestore(log: RestoreLog): void {
    const source = join(this.backupRoot, log.backup_id);
    const dataDir = this.podDataDir(log.pod_id);
    const target = podPath(dataDir, log.restore_path);
    if (!this.store.pods.has(log.pod_id)) throw new Error('pod no longer exists');
    if (target === undefined)
      throw new Error(`${log.restore_path} is outside the pod's writable directories`);
    if (!existsSync(source)) throw new Error('backup data is gone (deleted)');
    requireInside(dataDir, target, log.restore_path);
    mkdirSync(dirname(target), { recursive: true });
    copyTree(source, target);
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

/**
 * The emulator copies with the host's permissions, so a symlink the pod made (`/root/x ->
 * /home/me/.ssh`) must not lead a backup or restore outside the pod's own directory.
 */
function requireInside(dataDir: string, hostPath: string, podPathText: string): void {
  let existing = hostPath;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const root = realpathSync(dataDir);
  const real = realpathSync(existing);
  if (real !== root && !real.startsWith(`${root}${sep}`)) {
    throw new Error(`${podPathText} leads outside the pod (through a symbolic link)`);
  }
}

/**
 * Copies a tree without ever following a symbolic link: links are copied as links, and a link
 * already at a destination path is replaced, not written through.
 */
function copyTree(source: string, target: string): void {
  const stat = lstatSync(source);
  const existing = lstatOrUndefined(target);
  if (stat.isDirectory()) {
    if (existing !== undefined && !existing.isDirectory())
      rmSync(target, { recursive: true, force: true });
    if (existing === undefined || !existing.isDirectory())
      mkdirSync(target, { mode: stat.mode & 0o7777 });
    for (const name of readdirSync(source)) copyTree(join(source, name), join(target, name));
    return;
  }
  if (existing !== undefined) rmSync(target, { recursive: true, force: true });
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
  else if (stat.isFile()) copyFileSync(source, target);
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function measure(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const stat = lstatSync(dir);
  if (!stat.isDirectory())
    return { files: stat.isFile() ? 1 : 0, bytes: stat.isFile() ? stat.size : 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      files++;
      bytes += lstatSync(join(entry.parentPath, entry.name)).size;
    }
  }
  return { files, bytes };
}
