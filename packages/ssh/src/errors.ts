import { LiumError } from '@lium/errors';

/**
 * Every `code` an `@lium/ssh` error can carry: `ssh_auth_failed`, `ssh_host_key_mismatch`,
 * `ssh_timeout` (connecting), `ssh_connect_failed`, `ssh_disconnected`, `ssh_target_invalid`,
 * `ssh_channel_open_failed` (the server refused another session channel), `transfer_failed`,
 * `command_timeout` (a remote command outran its `timeoutMs`), `env_invalid` (a bad environment
 * variable name or value), `aborted` (the caller's signal fired).
 */
export const SSH_ERROR_CODES = [
  'ssh_auth_failed',
  'ssh_host_key_mismatch',
  'ssh_timeout',
  'ssh_connect_failed',
  'ssh_disconnected',
  'ssh_target_invalid',
  'ssh_channel_open_failed',
  'transfer_failed',
  'command_timeout',
  'env_invalid',
  'aborted',
] as const;

/** One of {@link SSH_ERROR_CODES}. */
export type SshErrorCode = (typeof SSH_ERROR_CODES)[number];

/** Where an SSH error happened; every field is optional because some errors precede a target. */
export interface SshErrorContext {
  /** The host connected to. */
  host?: string | undefined;
  /** Its SSH port. */
  port?: number | undefined;
  /** The user logged in as. */
  user?: string | undefined;
}

/** What a {@link LiumSshError} carries besides its message. */
export interface SshErrorOptions extends SshErrorContext {
  /** What went wrong, as a stable code. */
  code: SshErrorCode;
  /** What to do about it, in one line. */
  hint?: string | undefined;
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/** The root of every error thrown by `@lium/ssh`. */
export class LiumSshError extends LiumError<SshErrorCode> {
  /** The pod's SSH host, when the error happened on a target. */
  readonly host: string | undefined;
  /** The pod's SSH port. */
  readonly port: number | undefined;
  /** The SSH user. */
  readonly user: string | undefined;

  constructor(message: string, options: SshErrorOptions) {
    super(message, { code: options.code, hint: options.hint, cause: options.cause });
    this.host = options.host;
    this.port = options.port;
    this.user = options.user;
  }
}

/** What the specific SSH errors take: the target, a hint and a cause (their code is fixed). */
export type SshErrorSubclassOptions = SshErrorContext & {
  /** What to do about it, in one line. */
  hint?: string | undefined;
  /** The underlying error, when there is one. */
  cause?: unknown;
};

/** The server refused every key we offered (or the key could not be loaded). */
export class SshAuthError extends LiumSshError {
  constructor(message: string, options: SshErrorSubclassOptions = {}) {
    super(message, { ...options, code: 'ssh_auth_failed' });
  }
}

/** The pod presented a host key different from the one pinned on first use. */
export class SshHostKeyMismatchError extends LiumSshError {
  /** The known_hosts file holding the pinned key. */
  readonly knownHostsPath: string;
  /** SHA256 fingerprint of the pinned key. */
  readonly expectedFingerprint: string;
  /** SHA256 fingerprint of the key the server showed. */
  readonly actualFingerprint: string;
  /** The pod id the pin belongs to (undefined for a pin by host:port). */
  readonly hostKeyId: string | undefined;
  constructor(
    message: string,
    options: SshErrorSubclassOptions & {
      knownHostsPath: string;
      expectedFingerprint: string;
      actualFingerprint: string;
      hostKeyId?: string | undefined;
    },
  ) {
    super(message, { ...options, code: 'ssh_host_key_mismatch' });
    this.hostKeyId = options.hostKeyId;
    this.knownHostsPath = options.knownHostsPath;
    this.expectedFingerprint = options.expectedFingerprint;
    this.actualFingerprint = options.actualFingerprint;
  }
}

/** Connecting (TCP + handshake + auth) or a keepalive took too long. */
export class SshTimeoutError extends LiumSshError {
  constructor(message: string, options: SshErrorSubclassOptions = {}) {
    super(message, { ...options, code: 'ssh_timeout' });
  }
}

/** The TCP connection or the SSH handshake failed (refused, unreachable, DNS, no common algorithm). */
export class SshConnectError extends LiumSshError {
  constructor(message: string, options: SshErrorSubclassOptions = {}) {
    super(message, { ...options, code: 'ssh_connect_failed' });
  }
}

/** An established connection went away while an operation was using it. */
export class SshDisconnectedError extends LiumSshError {
  constructor(message: string, options: SshErrorSubclassOptions = {}) {
    super(message, { ...options, code: 'ssh_disconnected' });
  }
}

/** A connect command or target could not be understood. */
export class SshTargetError extends LiumSshError {
  constructor(message: string, options: SshErrorSubclassOptions = {}) {
    super(message, { ...options, code: 'ssh_target_invalid' });
  }
}

/** An upload, download or sync failed; nothing that looks finished was left behind. */
export class SshTransferError extends LiumSshError {
  /** The local file involved, when known. */
  readonly localPath: string | undefined;
  /** The remote file involved, when known. */
  readonly remotePath: string | undefined;
  constructor(
    message: string,
    options: SshErrorSubclassOptions & {
      localPath?: string | undefined;
      remotePath?: string | undefined;
    } = {},
  ) {
    super(message, { ...options, code: 'transfer_failed' });
    this.localPath = options.localPath;
    this.remotePath = options.remotePath;
  }
}

/** A remote command ran longer than its `timeoutMs`; it was stopped on the pod. */
export class SshCommandTimeoutError extends LiumSshError {
  /** The limit the command outran, in milliseconds. */
  readonly timeoutMs: number;
  constructor(message: string, options: SshErrorSubclassOptions & { timeoutMs: number }) {
    super(message, { ...options, code: 'command_timeout' });
    this.timeoutMs = options.timeoutMs;
  }
}

/** The caller's AbortSignal fired; remote work was stopped. Same code as `@lium/api`'s abort. */
export class SshAbortError extends LiumSshError {
  constructor(message = 'The operation was aborted', options: SshErrorSubclassOptions = {}) {
    super(message, { ...options, code: 'aborted' });
  }
}

/** A non-sftp server or a disabled sftp subsystem. */
export function sftpUnavailableHint(): string {
  return 'Enable it in the pod\'s sshd_config (`Subsystem sftp internal-sftp`, then reload sshd), or copy with sync method "rsync", or run the command over exec.';
}

/** True for an error thrown by this copy of `@lium/ssh` (use `isLiumError` across copies). */
export function isLiumSshError(value: unknown): value is LiumSshError {
  return value instanceof LiumSshError;
}
