/**
 * The file-transfer part of the `Lium` façade: SFTP to and from one pod or many, and rsync-style
 * directory syncs. Each method delegates to `transfers.ts` over the shared core.
 */
import type { TransferResult } from '@lium/ssh';
import { LiumAccount } from './lium-account.ts';
import { coreOf } from './lium-base.ts';
import type {
  ManyTransferOptions,
  PodOutcome,
  PodRef,
  SyncDirectoryOptions,
  SyncManyOptions,
  TransferCallOptions,
} from './options.ts';
import type { SyncedDirectory } from './transfers.ts';
import * as transfers from './transfers.ts';

/** File transfer and directory sync methods of a `Lium`. */
export class LiumTransfers extends LiumAccount {
  /** Uploads a file or directory over SFTP (atomic per file, with progress). */
  uploadFile(
    pod: PodRef,
    localPath: string,
    remotePath: string,
    options: TransferCallOptions = {},
  ): Promise<TransferResult> {
    return transfers.uploadFile(coreOf(this), pod, localPath, remotePath, options);
  }

  /** Downloads a file or directory over SFTP (atomic per file, with progress). */
  downloadFile(
    pod: PodRef,
    remotePath: string,
    localPath: string,
    options: TransferCallOptions = {},
  ): Promise<TransferResult> {
    return transfers.downloadFile(coreOf(this), pod, remotePath, localPath, options);
  }

  /**
   * Uploads the same file or directory to many pods in parallel. One pod's failure does not
   * stop the others: every pod gets a `{ pod, result }` or `{ pod, error }` entry, in order.
   */
  uploadToMany(
    list: readonly PodRef[],
    localPath: string,
    remotePath: string,
    options: ManyTransferOptions = {},
  ): Promise<PodOutcome<TransferResult>[]> {
    return transfers.uploadToMany(coreOf(this), list, localPath, remotePath, options);
  }

  /**
   * Downloads a file from many pods in parallel into `localDir`, as `<huid>/<file name>` (the one
   * layout of pulls from several pods, `pullDirFor`).
   */
  downloadFromMany(
    list: readonly PodRef[],
    remotePath: string,
    localDir: string,
    options: ManyTransferOptions = {},
  ): Promise<
    PodOutcome<
      TransferResult & {
        /** Where this pod's copy landed: `<localDir>/<pod huid>-<name>`. */
        localPath: string;
      }
    >[]
  > {
    return transfers.downloadFromMany(coreOf(this), list, remotePath, localDir, options);
  }

  /**
   * Syncs a directory up or down with rsync (SFTP fallback when rsync is missing), with rsync's
   * trailing-slash rule unless `folderRule: 'contents'`; answers the paths it used.
   */
  syncDirectory(pod: PodRef, options: SyncDirectoryOptions): Promise<SyncedDirectory> {
    return transfers.syncDirectory(coreOf(this), pod, options);
  }

  /**
   * Syncs with many pods, a bounded number at a time; a pull from several pods lands in
   * `<localPath>/<huid>/` per pod. Every pod gets a `{ pod, result }` or `{ pod, error }`.
   */
  syncMany(
    list: readonly PodRef[],
    options: SyncManyOptions,
  ): Promise<PodOutcome<SyncedDirectory>[]> {
    return transfers.syncMany(coreOf(this), list, options);
  }
}
