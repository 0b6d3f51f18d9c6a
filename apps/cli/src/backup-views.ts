/** How `lium bk` shows backup configurations and backup/restore runs: `--json` fields and tables. */
import type { BackupConfig, BackupLog, RestoreLog } from '@lium/api';
import type { OperationProgress, PodInfo } from '@lium/sdk';
import { formatBytes } from './output/format.ts';
import type { ResultColumn } from './output/output.ts';

/** A field the server sends that the schema keeps without typing it (`name`, `backup_path`). */
function extra(log: object, key: string): string | null {
  const value = (log as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

export function backupConfigJson(config: BackupConfig): Record<string, unknown> {
  return {
    id: config.id,
    pod_id: config.pod_id ?? null,
    path: config.backup_path ?? null,
    every_hours: config.backup_frequency_hours ?? null,
    keep_days: config.retention_days ?? null,
    active: config.is_active ?? null,
    next_backup_at: config.next_backup_at ?? null,
    created_at: config.created_at ?? null,
  };
}

/** Progress fields backup and restore runs share. */
function runJson(log: BackupLog | RestoreLog): Record<string, unknown> {
  return {
    status: (log.status ?? 'PENDING').toUpperCase(),
    stage: log.stage ?? null,
    progress: log.progress ?? 0,
    started_at: log.started_at ?? null,
    completed_at: log.completed_at ?? null,
    error: log.error_message ?? null,
  };
}

export function backupRunJson(log: BackupLog, pod?: PodInfo): Record<string, unknown> {
  return {
    id: log.id,
    pod_id: pod?.id ?? extra(log, 'pod_id'),
    pod: pod?.huid ?? null,
    name: extra(log, 'name'),
    description: extra(log, 'description'),
    path: extra(log, 'backup_path'),
    ...runJson(log),
    total_bytes: log.total_bytes ?? null,
    total_files: log.total_files ?? null,
    created_at: log.created_at ?? null,
  };
}

export function restoreRunJson(log: RestoreLog, pod?: PodInfo): Record<string, unknown> {
  return {
    id: log.id,
    pod_id: pod?.id ?? log.pod_id ?? null,
    pod: pod?.huid ?? null,
    backup_id: log.backup_id ?? null,
    path: log.restore_path ?? null,
    ...runJson(log),
    log: log.logs ?? [],
    created_at: log.created_at ?? null,
  };
}

/** `2026-12-01 19:30 UTC`: stable across machines, unlike a locale string. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `every 6 h of /root, kept 7 days`. */
export function describeConfig(config: BackupConfig): string {
  return `every ${config.backup_frequency_hours ?? '?'} h of ${config.backup_path ?? '?'}, kept ${config.retention_days ?? '?'} days`;
}

/** `42% uploading, 1.2 MB of 3 MB`: one progress line of a running backup or restore. */
export function describeProgress(progress: OperationProgress): string {
  const bytes =
    progress.totalBytes !== undefined && progress.totalBytes > 0
      ? `, ${formatBytes(progress.processedBytes ?? 0)} of ${formatBytes(progress.totalBytes)}`
      : '';
  return `${progress.percent}% ${progress.stage ?? progress.status.toLowerCase()}${bytes}`;
}

export interface RunRow<L> {
  log: L;
  pod: PodInfo | undefined;
}

/** The first columns of both run tables. */
function runColumns<L extends BackupLog | RestoreLog>(): ResultColumn<RunRow<L>>[] {
  return [
    { header: 'ID', cell: ({ log }) => log.id },
    { header: 'POD', cell: ({ pod }) => pod?.huid ?? '' },
    {
      header: 'STATUS',
      cell: ({ log }, c) => {
        const status = (log.status ?? 'PENDING').toUpperCase();
        return status === 'COMPLETED'
          ? c.green(status)
          : status === 'FAILED'
            ? c.red(status)
            : status;
      },
    },
    { header: '%', align: 'right', cell: ({ log }) => String(log.progress ?? 0) },
    { header: 'STARTED', cell: ({ log }) => when(log.started_at ?? log.created_at) },
  ];
}

export const BACKUP_RUN_COLUMNS: readonly ResultColumn<RunRow<BackupLog>>[] = [
  ...runColumns<BackupLog>(),
  { header: 'NAME', cell: ({ log }) => extra(log, 'name') ?? '' },
  { header: 'PATH', cell: ({ log }) => extra(log, 'backup_path') ?? '' },
  {
    header: 'SIZE',
    align: 'right',
    cell: ({ log }) => (log.total_bytes ? formatBytes(log.total_bytes) : ''),
  },
  { header: 'ERROR', cell: ({ log }, c) => c.dim(log.error_message ?? '') },
];

export const RESTORE_RUN_COLUMNS: readonly ResultColumn<RunRow<RestoreLog>>[] = [
  ...runColumns<RestoreLog>(),
  { header: 'BACKUP', cell: ({ log }) => log.backup_id ?? '' },
  { header: 'PATH', cell: ({ log }) => log.restore_path ?? '' },
  { header: 'ERROR', cell: ({ log }, c) => c.dim(log.error_message ?? '') },
];
