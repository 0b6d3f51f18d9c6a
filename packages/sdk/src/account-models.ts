/**
 * Account and backup results as camelCase models (the rule of models.ts: every SDK result is a
 * model converted once from the validated wire type). The backup models lift every field the
 * reference names and carry no `raw`: a field a caller needs is declared in the schema and here.
 */
import type { BackupConfig, BackupLog, RestoreLog, User } from '@lium/api';

/** `GET /users/me`. */
export interface UserInfo {
  /** User id. */
  id: string;
  /** Account e-mail address; undefined when the API did not say. */
  email: string | undefined;
  /** True once the e-mail address is verified; undefined when the API did not say. */
  emailVerified: boolean | undefined;
  /** USD; the server's null is 0. */
  balanceUsd: number;
  /** The account's Stripe customer id; undefined when it has none. */
  stripeCustomerId: string | undefined;
  /** The workspace the key acts in, on servers with workspaces. */
  workspace:
    | {
        /** Workspace id. */
        id: string;
        /** Workspace name; undefined when the API did not say. */
        name: string | undefined;
        /** The user's role in it (e.g. owner, member); undefined when the API did not say. */
        role: string | undefined;
      }
    | undefined;
  /** The server's `GET /users/me` answer. */
  raw: User;
}

/** A `GET /users/me` answer as a {@link UserInfo}. */
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
  /** Backup configuration id. */
  id: string;
  /** The pod that is backed up; undefined when the API did not say. */
  podId: string | undefined;
  /** Directory of the pod that is backed up. */
  path: string | undefined;
  /** Hours between backups; undefined when the API did not say. */
  frequencyHours: number | undefined;
  /** Days a backup is kept; undefined when the API did not say. */
  retentionDays: number | undefined;
  /** False while backups are paused; undefined when the API did not say. */
  isActive: boolean | undefined;
  /** When the next backup runs, ISO 8601; undefined when none is planned or the API did not say. */
  nextBackupAt: string | undefined;
  /** Creation time, ISO 8601; undefined when absent. */
  createdAt: string | undefined;
}

/** A `GET /backup-configs` row as a {@link BackupConfigInfo}. */
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
  };
}

/** What backup and restore runs share: status and progress as the server reports them. */
export interface OperationLogInfo {
  /** Id of the run. */
  id: string;
  /** Upper case: `PENDING`, `IN_PROGRESS`, `COMPLETED`/`SUCCESS`, `FAILED`/`ERROR`, … */
  status: string;
  /** Current step as the server names it; undefined when absent. */
  stage: string | undefined;
  /** Progress, 0–100 (clamped; 0 when the server sent none). */
  percent: number;
  /** Why the run failed; undefined unless it did. */
  errorMessage: string | undefined;
  /** When the run started, ISO 8601; undefined before it does. */
  startedAt: string | undefined;
  /** When the run ended, ISO 8601; undefined until it does. */
  completedAt: string | undefined;
  /** When the run was created, ISO 8601; undefined when absent. */
  createdAt: string | undefined;
  /** Bytes processed so far; undefined when the server did not say. */
  processedBytes: number | undefined;
  /** Bytes to process in all; undefined when the server did not say. */
  totalBytes: number | undefined;
  /** Files processed so far; undefined when the server did not say. */
  processedFiles: number | undefined;
  /** Files to process in all; undefined when the server did not say. */
  totalFiles: number | undefined;
  /** Server estimate of seconds left; undefined when absent. */
  etaSeconds: number | undefined;
}

/** A backup run (`GET /backup-logs`). */
export interface BackupLogInfo extends OperationLogInfo {
  /** The backup configuration that made this run; undefined when absent. */
  backupConfigId: string | undefined;
  /** The pod backed up; undefined when the server did not say. */
  podId: string | undefined;
  /** The backup's name (given when it was started); undefined when the server did not say. */
  name: string | undefined;
  /** The backup's description; undefined when the server did not say. */
  description: string | undefined;
  /** Directory of the pod that was backed up; undefined when the server did not say. */
  path: string | undefined;
}

/** A restore run (`GET /pods/{id}/restore-logs`). */
export interface RestoreLogInfo extends OperationLogInfo {
  /** The backup restored from; undefined when absent. */
  backupId: string | undefined;
  /** The pod restored into; undefined when absent. */
  podId: string | undefined;
  /** Directory of the pod restored into; undefined when absent. */
  restorePath: string | undefined;
  /** The restore's own log lines. */
  logs: string[];
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
    processedFiles: log.processed_files,
    totalFiles: log.total_files,
    etaSeconds: log.estimated_remaining_seconds,
  };
}

/** A `GET /backup-logs` row as a {@link BackupLogInfo} (status upper-cased, percent clamped). */
export function toBackupLogInfo(log: BackupLog): BackupLogInfo {
  return {
    ...toOperationLog(log),
    backupConfigId: log.backup_config_id,
    podId: log.pod_id,
    name: log.name,
    description: log.description,
    path: log.backup_path,
  };
}

/** A `GET /pods/{id}/restore-logs` row as a {@link RestoreLogInfo}; `logs` empty when absent. */
export function toRestoreLogInfo(log: RestoreLog): RestoreLogInfo {
  return {
    ...toOperationLog(log),
    backupId: log.backup_id,
    podId: log.pod_id,
    restorePath: log.restore_path,
    logs: log.logs ?? [],
  };
}
