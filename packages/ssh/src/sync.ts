import { SshTransferError } from './errors.ts';
import {
  hasLocalRsync,
  isRemoteRsyncMissing,
  knownRemoteRsync,
  type RsyncLink,
  remoteRsyncMissingError,
  syncWithRsync,
} from './sync-rsync.ts';
import { syncWithSftp } from './sync-sftp.ts';
import type { SyncOptions, SyncResult } from './sync-types.ts';

/** rsync when both ends have it (or when asked), else the SFTP fallback; `result.method` says which. */
export async function sync(link: RsyncLink, options: SyncOptions): Promise<SyncResult> {
  const method = options.method ?? 'auto';
  if (method === 'sftp') return syncWithSftp(await link.connection(), options);
  const local = await hasLocalRsync();
  // Whether the pod has rsync is found out by the rsync run itself (no probe round trip first).
  // Only a connection that already found out knows; without one, rsync runs and tells.
  const known = link.systemSsh ? undefined : knownRemoteRsync(await link.connection());
  if (local && known !== false) {
    try {
      return await syncWithRsync(link, options);
    } catch (error) {
      if (method === 'rsync' || !isRemoteRsyncMissing(error)) throw error;
      return syncWithSftp(await link.connection(), options);
    }
  }
  if (method === 'rsync') {
    if (local) throw remoteRsyncMissingError(link.target);
    throw new SshTransferError('rsync 3.1 or newer is not installed on this machine', {
      ...link.target,
      hint: 'Install rsync locally or use method "sftp".',
    });
  }
  return syncWithSftp(await link.connection(), options);
}
