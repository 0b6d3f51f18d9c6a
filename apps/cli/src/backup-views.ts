/** How `lium bk` shows backup configurations and backup/restore runs: `--json` fields and tables. */
import type {
  BackupConfigInfo,
  BackupLogInfo,
  OperationProgress,
  PodInfo,
  RestoreLogInfo,
} from '@lium/sdk';
import { formatBytes } from './output/format.ts';
import type { ResultColumn } from './output/output.ts';

export function backupConfigJson(config: BackupConfigInfo): Record<string, unknown> {
  return {
    id: config.id,
    pod_id: config.podId ?? null,
    path: config.path ?? null,
    every_hours: config.frequencyHours ?? null,
    keep_days: config.retentionDays ?? null,
    active: config.isActive ?? null,
    next_backup_at: config.nextBackupAt ?? null,
    created_at: config.createdAt ?? null,
  };
}

/** Progress fields backup and restore runs share. */
function runJson(log: BackupLogInfo | RestoreLogInfo): Record<string, unknown> {
  return {
    status: log.status,
    stage: log.stage ?? null,
    progress: log.percent,
    started_at: log.startedAt ?? null,
    completed_at: log.completedAt ?? null,
    error: log.errorMessage ?? null,
  };
}

export function backupRunJson(log: BackupLogInfo, pod?: PodInfo): Record<string, unknown> {
  return {
    id: log.id,
    pod_id: pod?.id ?? log.podId ?? null,
    pod: pod?.huid ?? null,
    name: log.name ?? null,
    description: log.description ?? null,
    path: log.path ?? null,
    ...runJson(log),
    total_bytes: log.totalBytes ?? null,
    total_files: log.totalFiles ?? null,
    created_at: log.createdAt ?? null,
  };
}

export function restoreRunJson(log: RestoreLogInfo, pod?: PodInfo): Record<string, unknown> {
  return {
    id: log.id,
    pod_id: pod?.id ?? log.podId ?? null,
    pod: pod?.huid ?? null,
    backup_id: log.backupId ?? null,
    path: log.restorePath ?? null,
    ...runJson(log),
    log: log.logs,
    created_at: log.createdAt ?? null,
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
export function describeConfig(config: BackupConfigInfo): string {
  return `every ${config.frequencyHours ?? '?'} h of ${config.path ?? '?'}, kept ${config.retentionDays ?? '?'} days`;
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
function runColumns<L extends BackupLogInfo | RestoreLogInfo>(): ResultColumn<RunRow<L>>[] {
  return [
    { header: 'ID', cell: ({ log }) => log.id },
    { header: 'POD', cell: ({ pod }) => pod?.huid ?? '' },
    {
      header: 'STATUS',
      cell: ({ log }, c) => {
        const { status } = log;
        return status === 'COMPLETED'
          ? c.green(status)
          : status === 'FAILED'
            ? c.red(status)
            : status;
      },
    },
    { header: '%', align: 'right', cell: ({ log }) => String(log.percent) },
    { header: 'STARTED', cell: ({ log }) => when(log.startedAt ?? log.createdAt) },
  ];
}

export const BACKUP_RUN_COLUMNS: readonly ResultColumn<RunRow<BackupLogInfo>>[] = [
  ...runColumns<BackupLogInfo>(),
  { header: 'NAME', cell: ({ log }) => log.name ?? '' },
  { header: 'PATH', cell: ({ log }) => log.path ?? '' },
  {
    header: 'SIZE',
    align: 'right',
    cell: ({ log }) => (log.totalBytes ? formatBytes(log.totalBytes) : ''),
  },
  { header: 'ERROR', cell: ({ log }, c) => c.dim(log.errorMessage ?? '') },
];

export const RESTORE_RUN_COLUMNS: readonly ResultColumn<RunRow<RestoreLogInfo>>[] = [
  ...runColumns<RestoreLogInfo>(),
  { header: 'BACKUP', cell: ({ log }) => log.backupId ?? '' },
  { header: 'PATH', cell: ({ log }) => log.restorePath ?? '' },
  { header: 'ERROR', cell: ({ log }, c) => c.dim(log.errorMessage ?? '') },
];
