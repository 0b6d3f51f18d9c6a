import {
  type LiumSshError,
  SshAuthError,
  SshConnectError,
  SshDisconnectedError,
  type SshErrorContext,
  SshTimeoutError,
  SshTransferError,
  sftpUnavailableHint,
} from './errors.ts';

interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

/**
 * Maps an ssh2 error to a typed error using `err.level` (STYLE §2.6). `established` says whether
 * the connection had been ready: a socket error then means the pod went away, not that it refused.
 */
export function mapSsh2Error(
  error: unknown,
  context: SshErrorContext,
  established: boolean,
): LiumSshError {
  const err = (error instanceof Error ? error : new Error(String(error))) as Ssh2Error;
  const where = `${context.user}@${context.host}:${context.port}`;
  const options = { ...context, cause: err };
  // ssh2's answer when the server refuses the `sftp` subsystem request: the connection is fine.
  if (/unable to start subsystem: sftp/i.test(err.message)) {
    return new SshTransferError(`${where} has no SFTP subsystem (the server refused to start it)`, {
      ...options,
      hint: sftpUnavailableHint(),
    });
  }
  switch (err.level) {
    case 'client-authentication':
    case 'agent':
      return new SshAuthError(`${where} refused our SSH key (${err.message})`, {
        ...options,
        hint: 'Make sure the public key is registered with the account (POST /ssh-keys) and was on the pod when it was created.',
      });
    case 'client-timeout':
      return /keepalive/i.test(err.message)
        ? new SshDisconnectedError(`Lost the SSH connection to ${where}: no keepalive replies`, {
            ...options,
            hint: 'The pod or the network path stopped responding; retry when it is reachable.',
          })
        : new SshTimeoutError(`Timed out connecting to ${where}`, {
            ...options,
            hint: 'Check that the pod is running and its SSH port is reachable.',
          });
    case 'client-dns':
      return new SshConnectError(`Cannot resolve ${context.host} (${err.message})`, options);
    case 'handshake':
      return new SshConnectError(`SSH handshake with ${where} failed: ${err.message}`, {
        ...options,
        hint: 'The server offered no algorithm we support, or closed the connection during key exchange.',
      });
    default:
      break;
  }
  if (!established) {
    if (err.code === 'ECONNREFUSED') {
      return new SshConnectError(`Connection to ${where} refused`, {
        ...options,
        hint: 'The pod is not accepting SSH yet; wait until it is running.',
      });
    }
    return new SshConnectError(`Cannot connect to ${where}: ${err.message}`, options);
  }
  return new SshDisconnectedError(`The SSH connection to ${where} was lost: ${err.message}`, {
    ...options,
    hint: 'Retry the operation; the pod may have restarted.',
  });
}
