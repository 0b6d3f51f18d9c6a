export type { AuthOptions } from './auth.ts';
export type { SshConnection } from './connection.ts';
export {
  isLiumSshError,
  LiumSshError,
  SshAbortError,
  SshAuthError,
  SshCommandTimeoutError,
  SshConnectError,
  SshDisconnectedError,
  type SshErrorContext,
  SshHostKeyMismatchError,
  SshTargetError,
  SshTimeoutError,
  SshTransferError,
} from './errors.ts';
export type { ExecOptions, ExecResult } from './exec.ts';
export {
  type ExecManyEvent,
  type ExecManyOptions,
  type ExecManyTarget,
  execMany,
} from './exec-many.ts';
export type { ExecChunk, ExecStream } from './exec-stream.ts';
export { fingerprint, KnownHostsStore } from './known-hosts.ts';
export { SshPool, type SshPoolOptions } from './pool.ts';
export type { TransferProgress } from './progress.ts';
export { parseSshConnectCmd, type SshTarget } from './target.ts';
export type { TransferOptions, TransferResult } from './transfer.ts';
