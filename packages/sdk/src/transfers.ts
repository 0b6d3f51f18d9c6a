/** Files to and from pods: SFTP transfers (one pod or a bounded fan-out) and rsync syncs. */
import { join, posix } from 'node:path';
import type { SyncResult, TransferProgress, TransferResult } from '@lium/ssh';
import type { LiumCore } from './core.ts';
import type { PodInfo } from './models.ts';
import type {
  ManyTransferOptions,
  PodOutcome,
  PodRef,
  SyncDirectoryOptions,
  TransferCallOptions,
} from './options.ts';
import { podTarget } from './pod-ssh.ts';
import { podOf } from './pods.ts';
import { settleEach } from './poll.ts';

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
    const localPath = join(localDir, `${pod.huid}-${name}`);
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

/** Runs `work` for every pod, `concurrency` at a time, collecting results and errors in order. */
async function eachPod<T>(
  core: LiumCore,
  refs: readonly PodRef[],
  options: ManyTransferOptions,
  work: (pod: PodInfo) => Promise<T>,
): Promise<PodOutcome<T>[]> {
  const pods = await Promise.all(refs.map((ref) => podOf(core, ref, options)));
  const outcomes = await settleEach(pods, options.concurrency ?? 8, work);
  return outcomes.map(({ item, ...outcome }) => ({ pod: item, ...outcome }) as PodOutcome<T>);
}

export async function syncDirectory(
  core: LiumCore,
  pod: PodRef,
  options: SyncDirectoryOptions,
): Promise<SyncResult> {
  const { target } = await podTarget(core, pod, options);
  const up = options.direction === 'up';
  const { localPath, remotePath, ...rest } = options;
  return (await core.pool()).sync(target, {
    ...rest,
    source: up ? localPath : remotePath,
    dest: up ? remotePath : localPath,
  });
}
