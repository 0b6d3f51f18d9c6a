import * as v from 'valibot';
import { optBoolean, optNumber, optString } from './common.ts';

/** `GET /backup-configs` entries (lium-api.md §2.8). */
export const BackupConfigSchema = v.looseObject({
  id: v.string(),
  pod_id: optString(),
  pod_executor_id: optString(),
  backup_frequency_hours: optNumber(),
  retention_days: optNumber(),
  backup_path: optString(),
  is_active: optBoolean(),
  next_backup_at: optString(),
  created_at: optString(),
  updated_at: optString(),
});
/** What {@link BackupConfigSchema} validates: `GET /backup-configs` entries (lium-api.md §2.8). */
export type BackupConfig = v.InferOutput<typeof BackupConfigSchema>;

const progressEntries = {
  status: optString(),
  started_at: optString(),
  completed_at: optString(),
  error_message: optString(),
  /** Percent, 0–100. */
  progress: optNumber(),
  created_at: optString(),
  stage: optString(),
  total_files: optNumber(),
  processed_files: optNumber(),
  total_bytes: optNumber(),
  processed_bytes: optNumber(),
  elapsed_seconds: optNumber(),
  throughput_bytes_per_second: optNumber(),
  estimated_remaining_seconds: optNumber(),
};

/** A backup run; statuses `COMPLETED`/`SUCCESS` are done, `FAILED`/`ERROR` failed. */
export const BackupLogSchema = v.looseObject({
  id: v.string(),
  backup_config_id: optString(),
  /** The pod backed up; optional, like `name`, `description`, `backup_path` (lium-api.md §2.8). */
  pod_id: optString(),
  /** The `name` given to `POST /pods/{id}/backup`. */
  name: optString(),
  /** The `description` given to `POST /pods/{id}/backup`. */
  description: optString(),
  /** The pod directory backed up (the configuration's `backup_path` at the time). */
  backup_path: optString(),
  backup_volume_id: optString(),
  deletion_state: optString(),
  physical_cleanup_at: optString(),
  status_message: optString(),
  ...progressEntries,
});
/**
 * What {@link BackupLogSchema} validates: a backup run; statuses `COMPLETED`/`SUCCESS` are done,
 * `FAILED`/`ERROR` failed.
 */
export type BackupLog = v.InferOutput<typeof BackupLogSchema>;

/** `GET /backup-logs/?page=&limit=`. */
export const BackupLogPageSchema = v.looseObject({
  items: v.array(BackupLogSchema),
  has_next: optBoolean(),
});
/** What {@link BackupLogPageSchema} validates: `GET /backup-logs/?page=&limit=`. */
export type BackupLogPage = v.InferOutput<typeof BackupLogPageSchema>;

/** A restore run of `GET /pods/{id}/restore-logs` (lium-api.md §2.3.10). */
export const RestoreLogSchema = v.looseObject({
  id: v.string(),
  backup_id: optString(),
  pod_id: optString(),
  restore_path: optString(),
  logs: v.optional(v.nullable(v.array(v.string()))),
  backup_engine: optString(),
  restore_mode: optString(),
  last_heartbeat_at: optString(),
  ...progressEntries,
});
/**
 * What {@link RestoreLogSchema} validates: a restore run of `GET /pods/{id}/restore-logs` (lium-
 * api.md §2.3.10).
 */
export type RestoreLog = v.InferOutput<typeof RestoreLogSchema>;

/** `POST /pods/{id}/backup`. */
export const BackupStartedSchema = v.looseObject({
  success: optBoolean(),
  backup_log_id: v.string(),
});
/** What {@link BackupStartedSchema} validates: `POST /pods/{id}/backup`. */
export type BackupStarted = v.InferOutput<typeof BackupStartedSchema>;

/**
 * `POST /pods/{id}/restore` → `{restore_log_id}`; older servers said `operation_id` or
 * `restore_id` ([S] e2e tests), normalised into `restore_log_id`.
 */
export const RestoreStartedSchema = v.pipe(
  v.looseObject({
    restore_log_id: optString(),
    operation_id: optString(),
    restore_id: optString(),
  }),
  v.transform((body) => ({
    ...body,
    restore_log_id: body.restore_log_id ?? body.operation_id ?? body.restore_id,
  })),
  v.looseObject({ restore_log_id: v.string() }),
);
/**
 * What {@link RestoreStartedSchema} validates: `POST /pods/{id}/restore` → `{restore_log_id}`;
 * older servers said `operation_id` or `restore_id` ([S] e2e tests), normalised into
 * `restore_log_id`.
 */
export type RestoreStarted = v.InferOutput<typeof RestoreStartedSchema>;
