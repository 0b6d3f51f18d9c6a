import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SshAuthError } from './errors.ts';
import { parseKey } from './ssh2-client.ts';

/** How to authenticate to pods: a key (file or contents) and/or an ssh-agent. */
export interface AuthOptions {
  /** Path to a private key (ed25519, ecdsa or rsa; OpenSSH or PEM format). */
  privateKeyPath?: string | undefined;
  /** The private key itself. */
  privateKey?: string | Buffer | undefined;
  /** Passphrase of an encrypted private key. */
  passphrase?: string | undefined;
  /** ssh-agent socket; defaults to `$SSH_AUTH_SOCK` when no key is configured. */
  agent?: string | undefined;
}

export interface ResolvedAuth {
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
}

/**
 * Loads and checks the key once, before any connection, so a missing file or a missing
 * passphrase is a clear SshAuthError instead of a handshake failure later.
 */
export async function resolveAuth(options: AuthOptions, env = process.env): Promise<ResolvedAuth> {
  const resolved: ResolvedAuth = {};
  let key: Buffer | undefined;
  if (options.privateKey !== undefined) {
    key = Buffer.isBuffer(options.privateKey)
      ? options.privateKey
      : Buffer.from(options.privateKey);
  } else if (options.privateKeyPath !== undefined) {
    const path = options.privateKeyPath.startsWith('~/')
      ? join(homedir(), options.privateKeyPath.slice(2))
      : options.privateKeyPath;
    try {
      key = await readFile(path);
    } catch (cause) {
      throw new SshAuthError(`Cannot read the SSH private key ${options.privateKeyPath}`, {
        cause,
        hint: 'Check the path (privateKeyPath) and its permissions.',
      });
    }
  }
  const agentSocket = options.agent ?? env.SSH_AUTH_SOCK;
  if (key !== undefined) {
    const parsed = parseKey(key, options.passphrase);
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase/i.test(parsed.message);
      // An encrypted key without its passphrase, and an agent running: the agent holds the
      // key once `ssh-add` was run, which is how OpenSSH's own users use such a key.
      if (encrypted && options.passphrase === undefined && agentSocket) {
        return { agent: agentSocket };
      }
      const where = options.privateKeyPath ?? 'the configured private key';
      throw new SshAuthError(
        encrypted
          ? `The SSH private key ${where} is encrypted and the passphrase is ${options.passphrase === undefined ? 'missing' : 'wrong'}`
          : `Cannot parse the SSH private key ${where}: ${parsed.message}`,
        {
          cause: parsed,
          hint: encrypted
            ? 'Pass the passphrase (LIUM_SSH_PASSPHRASE for the Lium SDK and CLI), or load the key into ssh-agent (ssh-add) with SSH_AUTH_SOCK set.'
            : 'Use an ed25519, ecdsa or rsa key in OpenSSH or PEM format (ssh-keygen -t ed25519).',
        },
      );
    }
    resolved.privateKey = key;
    if (options.passphrase !== undefined) resolved.passphrase = options.passphrase;
  }
  const agent = options.agent ?? (key === undefined ? env.SSH_AUTH_SOCK : undefined);
  if (agent !== undefined && agent !== '') resolved.agent = agent;
  if (resolved.privateKey === undefined && resolved.agent === undefined) {
    throw new SshAuthError('No SSH key configured and no ssh-agent running', {
      hint: 'Create a key with ssh-keygen -t ed25519, set ssh.key_path, or start ssh-agent.',
    });
  }
  return resolved;
}
