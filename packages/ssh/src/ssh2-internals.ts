import type { ClientChannel, SFTPWrapper } from 'ssh2';

/**
 * The few private fields of ssh2 we read, in one place. ssh2 is pinned to `~1.17` because of
 * them; `ssh2-internals.test.ts` checks the installed ssh2 still has each one, so an upgrade
 * that drops one fails a test instead of silently losing the behaviour.
 */

/** What ssh2's SFTP session knows about the server's request limits (`lib/protocol/SFTP.js`). */
export interface SftpLimitsInternals {
  /** Extensions the server announced, e.g. `limits@openssh.com: '1'`. */
  _extensions?: Record<string, string>;
  _isOpenSSH?: boolean;
  _maxReadLen?: number;
  _maxWriteLen?: number;
}

export function sftpLimitsOf(sftp: SFTPWrapper): SftpLimitsInternals {
  return sftp as unknown as SftpLimitsInternals;
}

/** A channel's own id and state, and the protocol layer of its client (`lib/Channel.js`). */
export interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
}

export function channelInternalsOf(channel: ClientChannel): ChannelInternals {
  return channel as unknown as ChannelInternals;
}

/** The private names above, with the ssh2 file that defines each (for the test). */
export const SSH2_PRIVATE_FIELDS = {
  'lib/protocol/SFTP.js': ['_extensions', '_isOpenSSH', '_maxReadLen', '_maxWriteLen'],
  'lib/Channel.js': ['outgoing', '_client'],
  'lib/client.js': ['_protocol'],
  'lib/protocol/Protocol.js': ['signal('],
} as const;
