/**
 * Account and backup results as camelCase models (the rule of models.ts: every SDK result is a
 * model converted once from the validated wire type, with the server's object as `raw`).
 */
import type { BackupConfig, BackupLog, RestoreLog, User } from '@lium/api';

/** `GET /users/me`. */
export interface UserInfo {
  id: string;
  email: string | undefined;
  emailVerified: boolean | undefined;
  /** USD; the server's null is 0. */
  balanceUsd: number;
  stripeCustomerId: string | undefined;
  /** The workspace the key acts in, on servers with workspaces. */
  workspace: { id: string; name: string | undefined; role: string | undefined } | undefined;
  raw: User;
}

export function toUserInfo(user: User): UserInfo {
  const workspace = user.workspace ?? undefined;
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.email_verified,
    balanceUsd: user.balance ?? 0,
    stripeCustomerId: user.stripe_customer_id,
    workspace: workspace && { id: workspace.id, name: workspace.name, role: workspace.role },
    raw: user,
  };
}

/** A pod's periodic backup configuration (`GET /backup-configs`). */
export interface BackupConfigInfo {
  id: string;
  podId: string | undefined;
  /** Directory of the pod that is backed up. */
  path: string | undefined;
  frequencyHours: number | undefined;
  retentionDays: number | undefined;
  isActive: boolean | undefined;
  nextBackupAt: string | undefined;
  createdAt: string | undefined;
  raw: BackupConfig;
}

export function toBackupConfigInfo(config: BackupConfig): BackupConfigInfo {
  return {
    id: config.id,
    podId: config.pod_id,
    path: config.backup_path,
    frequencyHours: config.backup_frequency_hours,
    retentionDays: config.retention_days,
    isActive: config.is_active,
    nextBackupAt: config.next_backup_at,
    createdAt: config.created_at,
    raw: config,
  };
}

/** What backup and restore runs share: status and progress as the server reports them. */
export interface OperationLogInfo {
  id: string;
  /** Upper case: `PENDING`, `IN_PROGRESS`, `COMPLETED`/`SUCCESS`, `FAILED`/`ERROR`, … */
  status: string;
  stage: string | undefined;
  /** 0–100. */
  percent: number;
  errorMessage: string | undefined;
  startedAt: string | undefined;
  completedAt: string | undefined;
  createdAt: string | undefined;
  processedBytes: number | undefined;
  totalBytes: number | undefined;
  etaSeconds: number | undefined;
}

/** A backup run (`GET /backup-logs`). */
export interface BackupLogInfo extends OperationLogInfo {
  backupConfigId: string | undefined;
  raw: BackupLog;
}

/** A restore run (`GET /pods/{id}/restore-logs`). */
export interface RestoreLogInfo extends OperationLogInfo {
  backupId: string | undefined;
  podId: string | undefined;
  restorePath: string | undefined;
  /** The restore's own log lines. */
  logs: string[];
  raw: RestoreLog;
}

function toOperationLog(log: BackupLog | RestoreLog): OperationLogInfo {
  return {
    id: log.id,
    status: (log.status ?? 'PENDING').toUpperCase(),
    stage: log.stage,
    percent: Math.max(0, Math.min(100, log.progress ?? 0)),
    errorMessage: log.error_message,
    startedAt: log.started_at,
    completedAt: log.completed_at,
    createdAt: log.created_at,
    processedBytes: log.processed_bytes,
    totalBytes: log.total_bytes,
    etaSeconds: log.estimated_remaining_seconds,
  };
}

export function toBackupLogInfo(log: BackupLog): BackupLogInfo {
  return { ...toOperationLog(log), backupConfigId: log.backup_config_id, raw: log };
}

export function toRestoreLogInfo(log: RestoreLog): RestoreLogInfo {
  return {
    ...toOperationLog(log),
    backupId: log.backup_id,
    podId: log.pod_id,
    restorePath: log.restore_path,
    logs: log.logs ?? [],
    raw: log,
  };
}
