/**
 * The account part of the `Lium` façade: the user, balance, SSH keys, volumes and backups.
 * Each method delegates to `account.ts` or `pod-backups.ts` over the shared core.
 */

import * as account from './account.ts';
import type {
  BackupConfigInfo,
  BackupLogInfo,
  RestoreLogInfo,
  UserInfo,
} from './account-models.ts';
import { coreOf, LiumBase } from './lium-base.ts';
import type { VolumeInfo } from './models.ts';
import type { BackupConfigOptions, CallOptions, PodRef } from './options.ts';
import * as backups from './pod-backups.ts';
import type { RegisterKeysResult } from './ssh-key-registration.ts';
import type { SshKeyInfo } from './ssh-keys.ts';

/** Account, SSH key, volume and backup methods of a `Lium`. */
export class LiumAccount extends LiumBase {
  /** The account the API key belongs to (`GET /users/me`). */
  getMe(options?: CallOptions): Promise<UserInfo> {
    return account.getMe(coreOf(this), options);
  }

  /** Account balance in USD. */
  getBalance(options?: CallOptions): Promise<number> {
    return account.getBalance(coreOf(this), options);
  }

  /** The SSH public keys registered with the account. */
  listSshKeys(options?: CallOptions): Promise<SshKeyInfo[]> {
    return account.listSshKeys(coreOf(this), options);
  }

  /** Registers an SSH public key (an OpenSSH `.pub` line) under `name`. */
  addSshKey(key: { name: string; publicKey: string }, options?: CallOptions): Promise<SshKeyInfo> {
    return account.addSshKey(coreOf(this), key, options);
  }

  /** Removes a registered SSH key by its id. */
  removeSshKey(id: string, options?: CallOptions): Promise<void> {
    return account.removeSshKey(coreOf(this), id, options);
  }

  /**
   * Registers the local public keys the account lacks (`force` skips the cache), new ones
   * under `name` (default the `sshKeyName` option, else `cli-<user>@<host>`).
   */
  syncSshKeys(
    options: CallOptions & { force?: boolean; name?: string } = {},
  ): Promise<RegisterKeysResult> {
    return account.syncSshKeys(coreOf(this), options);
  }

  /** The account's volumes. */
  listVolumes(options?: CallOptions): Promise<VolumeInfo[]> {
    return account.listVolumes(coreOf(this), options);
  }

  /** Creates a volume; attach it with {@link StartPodOptions.volumeId}. */
  createVolume(
    volume: { name: string; description?: string | undefined },
    options?: CallOptions,
  ): Promise<VolumeInfo> {
    return account.createVolume(coreOf(this), volume, options);
  }

  /** Renames a volume or changes its description. */
  updateVolume(
    id: string,
    changes: { name?: string; description?: string },
    options?: CallOptions,
  ): Promise<VolumeInfo> {
    return account.updateVolume(coreOf(this), id, changes, options);
  }

  /** Deletes a volume by id. */
  deleteVolume(id: string, options?: CallOptions): Promise<void> {
    return account.deleteVolume(coreOf(this), id, options);
  }

  /** Turns on periodic backups of a path of the pod (defaults: /root, every 6 h, kept 7 days). */
  setBackupConfig(pod: PodRef, options: BackupConfigOptions = {}): Promise<BackupConfigInfo> {
    return backups.setBackupConfig(coreOf(this), pod, options);
  }

  /** The pod's backup configuration, or null when backups are off. */
  getBackupConfig(pod: PodRef, options?: CallOptions): Promise<BackupConfigInfo | null> {
    return backups.getBackupConfig(coreOf(this), pod, options);
  }

  /** Turns off backups of the pod; false when there was no configuration. */
  removeBackupConfig(pod: PodRef, options?: CallOptions): Promise<boolean> {
    return backups.removeBackupConfig(coreOf(this), pod, options);
  }

  /**
   * Starts a backup now and returns its log id; with `wait` polls the log until the backup
   * completes (`backup_failed` when it fails).
   */
  backupNow(
    pod: PodRef,
    options: backups.BackupNowOptions = {},
  ): Promise<{
    /** The new backup run's id. */
    backupLogId: string;
    /** The run as it ended, with `wait`; absent otherwise. */
    log?: BackupLogInfo;
  }> {
    return backups.backupNow(coreOf(this), pod, options);
  }

  /** The pod's backup runs (each one's id is what {@link Lium.restoreBackup} takes). */
  listBackupLogs(pod: PodRef, options?: CallOptions): Promise<BackupLogInfo[]> {
    return backups.listBackupLogs(coreOf(this), pod, options);
  }

  /**
   * Restores a backup (by backup log id) into a new or empty directory of the pod; with `wait`
   * polls the restore log until it completes.
   */
  restoreBackup(
    pod: PodRef,
    options: backups.RestoreBackupOptions,
  ): Promise<{
    /** The new restore run's id. */
    restoreLogId: string;
    /** The run as it ended, with `wait`; absent otherwise. */
    log?: RestoreLogInfo;
  }> {
    return backups.restoreBackup(coreOf(this), pod, options);
  }

  /** The pod's restore runs, with their status. */
  listRestoreLogs(pod: PodRef, options?: CallOptions): Promise<RestoreLogInfo[]> {
    return backups.listRestoreLogs(coreOf(this), pod, options);
  }
}
