import type { LiumAPIClient } from '@lium/api';
import { LiumError } from '@lium/errors';
import {
  type BackupConfigInfo,
  type BackupLogInfo,
  type OperationLogInfo,
  type RestoreLogInfo,
  toBackupConfigInfo,
  toBackupLogInfo,
  toRestoreLogInfo,
} from './account-models.ts';
import { LiumUsageError } from './errors.ts';
import type { PodInfo } from './models.ts';
import { pollUntil } from './poll.ts';

/** The `--every` and `--keep` forms: a whole number of hours or days (`6h`, `1d`, `7d`, `2w`). */
const PERIOD = /^(\d+)\s*(h|d|w)$/i;
const PERIOD_HOURS = { h: 1, d: 24, w: 168 } as const;

function period(spec: string, flag: string): number {
  const match = PERIOD.exec(spec.trim());
  const hours = match ? Number(match[1]) * PERIOD_HOURS[match[2]?.toLowerCase() as 'h'] : 0;
  if (!match || !(hours > 0)) {
    throw new LiumUsageError(`Invalid ${flag} "${spec}"`, {
      code: 'usage_error',
      hint: `Use a whole number of hours, days or weeks, e.g. ${flag} ${flag === '--every' ? '6h' : '7d'}.`,
    });
  }
  return hours;
}

/** `--every 6h` / `1d` → hours between backups. */
export function parseBackupEvery(spec: string): number {
  return period(spec, '--every');
}

/** `--keep 7d` / `2w` → days backups are kept (whole days; `36h` is refused). */
export function parseBackupKeep(spec: string): number {
  const hours = period(spec, '--keep');
  if (hours % 24 !== 0) {
    throw new LiumUsageError(`Invalid --keep "${spec}": backups are kept for whole days`, {
      code: 'usage_error',
      hint: 'e.g. --keep 7d or --keep 2w.',
    });
  }
  return hours / 24;
}

/** The API calls the backup functions use (`LiumAPIClient` has them all). */
export type BackupDeps = Pick<
  LiumAPIClient,
  | 'createBackupConfig'
  | 'getBackupConfigForPod'
  | 'deleteBackupConfig'
  | 'backupPod'
  | 'getBackupLog'
  | 'getBackupLogsForPod'
  | 'restorePod'
  | 'getRestoreLogs'
>;

/** @inline */
type Signal = {
  /** Aborts the call; the error has code `aborted`. */
  signal?: AbortSignal | undefined;
};
const call = (options: Signal) => ({ signal: options.signal });

/** Options of {@link setBackup}. */
export interface SetBackupOptions extends Signal {
  /** Directory of the pod to back up (default `/root`). */
  path?: string | undefined;
  /** Hours between backups (default 6; see {@link parseBackupEvery}). */
  everyHours?: number | undefined;
  /** Days each backup is kept (default 7; see {@link parseBackupKeep}). */
  keepDays?: number | undefined;
  /** Replace an existing configuration instead of refusing (`backup_config_exists`). */
  replace?: boolean | undefined;
}

/** Turns on periodic backups of the pod (the CLI's `bk set`). */
export async function setBackup(
  deps: BackupDeps,
  pod: PodInfo,
  options: SetBackupOptions = {},
): Promise<BackupConfigInfo> {
  const existing = await deps.getBackupConfigForPod(pod.id, call(options));
  if (existing) {
    if (!options.replace) {
      throw new LiumError(`Pod ${pod.name || pod.huid} already has backups configured`, {
        code: 'backup_config_exists',
        hint: `Every ${existing.backup_frequency_hours ?? '?'} h of ${existing.backup_path ?? '?'}; remove it first (deleteBackupConfig) or replace it.`,
      });
    }
    await deps.deleteBackupConfig(existing.id, call(options));
  }
  const created = await deps.createBackupConfig(
    {
      podId: pod.id,
      backupPath: options.path ?? '/root',
      backupFrequencyHours: options.everyHours ?? 6,
      retentionDays: options.keepDays ?? 7,
    },
    call(options),
  );
  return toBackupConfigInfo(created);
}

/** The pod's backup configuration and its latest backup run (the CLI's `bk show`). */
export async function showBackup(
  deps: BackupDeps,
  pod: PodInfo,
  options: Signal = {},
): Promise<{
  /** The configuration, or null when backups are off. */
  config: BackupConfigInfo | null;
  /** The newest backup run, when there is one. */
  latest: BackupLogInfo | undefined;
}> {
  const [config, logs] = await Promise.all([
    deps.getBackupConfigForPod(pod.id, call(options)),
    deps.getBackupLogsForPod(pod.id, call(options)).catch(() => []),
  ]);
  return {
    config: config ? toBackupConfigInfo(config) : null,
    latest: newestFirst(logs.map(toBackupLogInfo))[0],
  };
}

/** Turns backups of the pod off (the CLI's `bk rm`); false when none were configured. */
export async function removeBackup(
  deps: BackupDeps,
  pod: PodInfo,
  options: Signal = {},
): Promise<boolean> {
  const config = await deps.getBackupConfigForPod(pod.id, call(options));
  if (!config) return false;
  await deps.deleteBackupConfig(config.id, call(options));
  return true;
}

function newestFirst<T extends OperationLogInfo>(logs: T[]): T[] {
  return [...logs].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}

/** Backup runs of the pod, newest first (the CLI's `bk logs`). */
export async function listBackupRuns(
  deps: BackupDeps,
  pod: PodInfo,
  options: Signal = {},
): Promise<BackupLogInfo[]> {
  return newestFirst((await deps.getBackupLogsForPod(pod.id, call(options))).map(toBackupLogInfo));
}

/** One backup run by its id (the CLI's `bk logs --id`, `bk restore --id`). */
export async function getBackupRun(
  deps: BackupDeps,
  backupLogId: string,
  options: Signal = {},
): Promise<BackupLogInfo> {
  return toBackupLogInfo(await deps.getBackupLog(backupLogId, call(options)));
}

/** Restore runs of the pod, newest first (the CLI's `bk restore-logs`). */
export async function listRestoreRuns(
  deps: BackupDeps,
  pod: PodInfo,
  options: Signal = {},
): Promise<RestoreLogInfo[]> {
  return newestFirst((await deps.getRestoreLogs(pod.id, call(options))).map(toRestoreLogInfo));
}

/** Progress of a backup or restore run, as the server reports it. */
export interface OperationProgress {
  /** The run's id (its backup or restore log id). */
  id: string;
  /** The server's status, upper-case (`PENDING`, `COMPLETED`, `FAILED`, …). */
  status: string;
  /** What the run is doing now, when the server says. */
  stage: string | undefined;
  /** 0–100. */
  percent: number;
  /** Bytes done so far, when the server says. */
  processedBytes: number | undefined;
  /** Bytes in all, when the server says. */
  totalBytes: number | undefined;
  /** The server's estimate of seconds left, when it has one. */
  etaSeconds: number | undefined;
}

/** How {@link backupNow} and {@link restoreBackup} wait for their run. */
export interface WaitOperationOptions extends Signal {
  /** Give up after this long (default 600 000 ms): `backup_timeout` / `restore_timeout`. */
  timeoutMs?: number | undefined;
  /** Poll interval (default 1 000 ms). */
  pollMs?: number | undefined;
  /** Called with each poll's progress while waiting. */
  onProgress?: ((progress: OperationProgress) => void) | undefined;
}

const DONE = new Set(['COMPLETED', 'SUCCESS']);
const FAILED = new Set(['FAILED', 'ERROR', 'CANCELLED']);

function progressOf(log: OperationLogInfo): OperationProgress {
  const { id, status, stage, percent, processedBytes, totalBytes, etaSeconds } = log;
  return { id, status, stage, percent, processedBytes, totalBytes, etaSeconds };
}

async function untilDone<T extends BackupLogInfo | RestoreLogInfo>(
  what: 'backup' | 'restore',
  read: () => Promise<T | undefined>,
  options: WaitOperationOptions,
): Promise<T> {
  let last: T | undefined;
  const pollMs = options.pollMs ?? 1_000;
  const done = await pollUntil(
    async () => {
      last = (await read()) ?? last;
      if (!last) return undefined;
      const progress = progressOf(last);
      options.onProgress?.(progress);
      if (DONE.has(progress.status)) return last;
      if (FAILED.has(progress.status)) {
        const reason = last.errorMessage ? `: ${last.errorMessage}` : '';
        const restoreLines = 'logs' in last ? last.logs.slice(-5) : [];
        throw new LiumError(`The ${what} ${last.id} ${progress.status.toLowerCase()}${reason}`, {
          code: `${what}_failed`,
          hint:
            restoreLines.length > 0
              ? `Its log ends: ${restoreLines.join(' | ')}`
              : `Check the path exists on the pod; the ${what} log has the details.`,
        });
      }
      return undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 600_000,
      intervalMs: pollMs,
      maxIntervalMs: pollMs,
      signal: options.signal,
    },
  );
  if (done) return done;
  const seen = last as T | undefined;
  throw new LiumError(
    seen
      ? `The ${what} ${seen.id} did not finish in time (${progressOf(seen).percent}%)`
      : `The ${what} did not start in time`,
    { code: `${what}_timeout`, hint: 'It may still finish: check its log later.' },
  );
}

/**
 * Starts a backup now (the CLI's `bk now`); with `wait` (default true) reports progress until it is
 * done, and throws `backup_failed` with the server's reason when it fails.
 */
export async function backupNow(
  deps: BackupDeps,
  pod: PodInfo,
  options: WaitOperationOptions & {
    name?: string | undefined;
    description?: string | undefined;
    wait?: boolean | undefined;
    now?: Date | undefined;
  } = {},
): Promise<{
  /** The new backup run's id. */
  backupLogId: string;
  /** The run as it ended, with `wait`; undefined with `wait: false`. */
  log: BackupLogInfo | undefined;
}> {
  const stamp = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .slice(0, 15);
  const started = await deps.backupPod(
    pod.id,
    { name: options.name ?? `manual-${stamp}`, description: options.description ?? '' },
    call(options),
  );
  const backupLogId = started.backup_log_id;
  if (options.wait === false) return { backupLogId, log: undefined };
  const log = await untilDone(
    'backup',
    async () => getBackupRun(deps, backupLogId, options),
    options,
  );
  return { backupLogId, log };
}

/**
 * Restores a backup (by its backup log id) into the pod at `to` (default `/root`; the CLI's `bk
 * restore`); with `wait` (default true) reports progress until done, `restore_failed` with the
 * end of the restore's log when it fails.
 */
export async function restoreBackup(
  deps: BackupDeps,
  pod: PodInfo,
  options: WaitOperationOptions & {
    backupId: string;
    to?: string | undefined;
    wait?: boolean | undefined;
  },
): Promise<{
  /** The new restore run's id. */
  restoreLogId: string;
  /** The run as it ended, with `wait`; undefined with `wait: false`. */
  log: RestoreLogInfo | undefined;
}> {
  const started = await deps.restorePod(
    pod.id,
    { backupId: options.backupId, restorePath: options.to ?? '/root' },
    call(options),
  );
  const restoreLogId = started.restore_log_id;
  if (options.wait === false) return { restoreLogId, log: undefined };
  const log = await untilDone(
    'restore',
    async () => {
      const logs = await deps.getRestoreLogs(pod.id, call(options));
      const log = logs.find((l) => l.id === restoreLogId);
      return log && toRestoreLogInfo(log);
    },
    options,
  );
  return { restoreLogId, log };
}
