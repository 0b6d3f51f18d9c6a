/** Files to and from pods: SFTP transfers and rsync syncs, one pod or a bounded fan-out. */
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { SyncResult, TransferProgress, TransferResult } from '@lium/ssh';
import type { SshTarget } from '@lium/ssh/target';
import type { LiumCore } from './core.ts';
import type { PodInfo } from './models.ts';
import type {
  ManyTransferOptions,
  PodOutcome,
  PodRef,
  SyncDirectoryOptions,
  SyncManyOptions,
  TransferCallOptions,
} from './options.ts';
import { eachPod } from './pod-fanout.ts';
import { podTarget } from './pod-ssh.ts';
import { folderNameToKeep, pullDirFor, remotePathWord } from './sync-paths.ts';

/** What a sync did, with the paths it used once the folder rule and the pull layout applied. */
export type SyncedDirectory = SyncResult & {
  /** The local directory, after the folder rule and the pull layout. */
  localPath: string;
  /** The directory on the pod, after the folder rule. */
  remotePath: string;
  /**
   * How long this sync took, ms: from its own start (connecting, the folder probe) to its end. In
   * `Lium.syncMany` each pod's own time, not the fan-out's, so a per-pod rate is `bytes` over it.
   */
  durationMs: number;
};

export async function uploadFile(
  core: LiumCore,
  pod: PodRef,
  localPath: string,
  remotePath: string,
  options: TransferCallOptions = {},
): Promise<TransferResult> {
  const { target } = await podTarget(core, pod, options);
  return (await core.pool()).upload(target, localPath, remotePath, options);
}

export async function downloadFile(
  core: LiumCore,
  pod: PodRef,
  remotePath: string,
  localPath: string,
  options: TransferCallOptions = {},
): Promise<TransferResult> {
  const { target } = await podTarget(core, pod, options);
  return (await core.pool()).download(target, remotePath, localPath, options);
}

export function uploadToMany(
  core: LiumCore,
  pods: readonly PodRef[],
  localPath: string,
  remotePath: string,
  options: ManyTransferOptions = {},
): Promise<PodOutcome<TransferResult>[]> {
  return eachPod(core, pods, options, (pod) =>
    uploadFile(core, pod, localPath, remotePath, perPodTransfer(pod, options)),
  );
}

export function downloadFromMany(
  core: LiumCore,
  pods: readonly PodRef[],
  remotePath: string,
  localDir: string,
  options: ManyTransferOptions = {},
): Promise<PodOutcome<TransferResult & { localPath: string }>[]> {
  const name = posix.basename(remotePath.replace(/\/+$/, '')) || 'download';
  return eachPod(core, pods, options, async (pod) => {
    const localPath = join(pullDirFor(localDir, pod), name);
    const result = await downloadFile(
      core,
      pod,
      remotePath,
      localPath,
      perPodTransfer(pod, options),
    );
    return { ...result, localPath };
  });
}

function perPodTransfer(pod: PodInfo, options: ManyTransferOptions): TransferCallOptions {
  const onProgress = options.onProgress;
  return {
    signal: options.signal,
    onProgress: onProgress && ((progress: TransferProgress) => onProgress(pod, progress)),
  };
}

/**
 * Syncs a directory with rsync's trailing-slash rule (`folderRule: 'rsync'`, the default): a
 * source directory written without a trailing `/` lands as a folder inside the destination;
 * with `folderRule: 'contents'` the contents always go to the destination itself.
 */
export async function syncDirectory(
  core: LiumCore,
  pod: PodRef,
  options: SyncDirectoryOptions,
): Promise<SyncedDirectory> {
  const started = performance.now();
  const { target } = await podTarget(core, pod, options);
  const pool = await core.pool();
  const { localPath: local, remotePath: remote, folderRule, ...rest } = options;
  const up = options.direction === 'up';
  const folder =
    folderRule === 'contents'
      ? undefined
      : up
        ? folderNameToKeep(local, await isLocalDirectory(local))
        : await remoteFolderToKeep(core, target, remote, options.signal);
  const localPath = !up && folder ? join(local, folder) : local;
  const remotePath = up && folder ? posix.join(remote, folder) : remote;
  const result = await pool.sync(target, {
    ...rest,
    source: up ? localPath : remotePath,
    dest: up ? remotePath : localPath,
  });
  return { ...result, localPath, remotePath, durationMs: performance.now() - started };
}

async function isLocalDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** `1:/x/logs` (no trailing slash) pulls the folder itself when it is one: ask the pod. */
async function remoteFolderToKeep(
  core: LiumCore,
  target: SshTarget,
  remotePath: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  if (folderNameToKeep(remotePath, true) === undefined) return undefined;
  const probe = await (await core.pool()).exec(target, `test -d ${remotePathWord(remotePath)}`, {
    signal,
  });
  return folderNameToKeep(remotePath, probe.exitCode === 0);
}

/**
 * Syncs the same directory with many pods, `concurrency` (default 8) at a time. A pull from
 * several pods gives each its own `<localPath>/<huid>/` ({@link pullDirFor}); one pod's failure
 * does not stop the others: every pod gets a `{ pod, result }` or `{ pod, error }`, in order.
 * Each result's `durationMs` is that pod's own time (a pod waiting for a slot is not counted).
 */
export function syncMany(
  core: LiumCore,
  pods: readonly PodRef[],
  options: SyncManyOptions,
): Promise<PodOutcome<SyncedDirectory>[]> {
  const { concurrency, onProgress, ...one } = options;
  const several = pods.length > 1 && options.direction === 'down';
  return eachPod(core, pods, { concurrency, signal: options.signal }, (pod) =>
    syncDirectory(core, pod, {
      ...one,
      localPath: several ? pullDirFor(options.localPath, pod) : options.localPath,
      onProgress: onProgress && ((progress: TransferProgress) => onProgress(pod, progress)),
    }),
  );
}
