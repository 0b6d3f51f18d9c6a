import type { SshConnection } from './connection.ts';
import { SshTransferError } from './errors.ts';
import {
  hasLocalRsync,
  isRemoteRsyncMissing,
  knownRemoteRsync,
  remoteRsyncMissingError,
  syncWithRsync,
} from './sync-rsync.ts';
import { syncWithSftp } from './sync-sftp.ts';
import type { SyncOptions, SyncResult } from './sync-types.ts';

/** rsync when both ends have it (or when asked), else the SFTP fallback; `result.method` says which. */
export async function sync(connection: SshConnection, options: SyncOptions): Promise<SyncResult> {
  const method = options.method ?? 'auto';
  if (method === 'sftp') return syncWithSftp(connection, options);
  const local = await hasLocalRsync();
  // Whether the pod has rsync is found out by the rsync run itself (no probe round trip first).
  if (local && knownRemoteRsync(connection) !== false) {
    try {
      return await syncWithRsync(connection, options);
    } catch (error) {
      if (method === 'rsync' || !isRemoteRsyncMissing(error)) throw error;
      return syncWithSftp(connection, options);
    }
  }
  if (method === 'rsync') {
    if (local) throw remoteRsyncMissingError(connection);
    throw new SshTransferError('rsync 3.1 or newer is not installed on this machine', {
      ...connection.target,
      hint: 'Install rsync locally or use method "sftp".',
    });
  }
  return syncWithSftp(connection, options);
}
