export type { AuthOptions } from './auth.ts';
export type { SshConnection } from './connection.ts';
export {
  isLiumSshError,
  LiumSshError,
  SSH_ERROR_CODES,
  SshAbortError,
  SshAuthError,
  SshCommandTimeoutError,
  SshConnectError,
  SshDisconnectedError,
  type SshErrorCode,
  type SshErrorContext,
  type SshErrorOptions,
  type SshErrorSubclassOptions,
  SshHostKeyMismatchError,
  SshTargetError,
  SshTimeoutError,
  SshTransferError,
} from './errors.ts';
export { type ExcludeMatcher, excludeMatcher } from './exclude.ts';
export type { ExecOptions, ExecResult } from './exec.ts';
export {
  type ExecCapable,
  type ExecManyEvent,
  type ExecManyOptions,
  type ExecManyTarget,
  execMany,
} from './exec-many.ts';
export type { ExecChunk, ExecStream } from './exec-stream.ts';
export type { ForwardOptions, PortForward } from './forward.ts';
export type { DynamicForwardOptions } from './forward-dynamic.ts';
export type { RemoteForward, RemoteForwardOptions } from './forward-remote.ts';
export { type NewKeyPair, type NewKeyPairOptions, writeNewKeyPair } from './keygen.ts';
export {
  fingerprint,
  type HostKeyVerdict,
  type KnownHostEntry,
  KnownHostsStore,
} from './known-hosts.ts';
export { type Preconnect, SshPool, type SshPoolOptions } from './pool.ts';
export type { TransferProgress } from './progress.ts';
export { RSYNC_TRANSPORT_SCRIPT } from './rsync-bridge.ts';
export type { ShellOptions } from './shell.ts';
export type { SyncOptions, SyncResult } from './sync-types.ts';
export { parseSshConnectCmd, type SshTarget } from './target.ts';
export type { TransferOptions, TransferResult } from './transfer.ts';
export type { LocalBind } from './tunnel.ts';
