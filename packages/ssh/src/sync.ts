import type { SshConnection } from './connection.ts';
import { SshTransferError } from './errors.ts';
import { hasLocalRsync, hasRemoteRsync, syncWithRsync } from './sync-rsync.ts';
import { syncWithSftp } from './sync-sftp.ts';
import type { SyncOptions, SyncResult } from './sync-types.ts';

/** rsync when both ends have it (or when asked), else the SFTP fallback; `result.method` says which. */
export async function sync(connection: SshConnection, options: SyncOptions): Promise<SyncResult> {
  const method = options.method ?? 'auto';
  if (method === 'sftp') return syncWithSftp(connection, options);
  const [local, remote] = await Promise.all([hasLocalRsync(), hasRemoteRsync(connection)]);
  if (local && remote) return syncWithRsync(connection, options);
  if (method === 'rsync') {
    throw new SshTransferError(
      local
        ? 'rsync is not installed on the pod'
        : 'rsync 3.1 or newer is not installed on this machine',
      {
        ...connection.target,
        hint: local
          ? 'Install it on the pod (apt-get install -y rsync) or use method "sftp".'
          : 'Install rsync locally or use method "sftp".',
      },
    );
  }
  return syncWithSftp(connection, options);
}
