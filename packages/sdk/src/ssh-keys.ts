import { readFile } from 'node:fs/promises';
import type { LiumAPIClient, SshKey } from '@lium/api';
import { LiumError } from '@lium/errors';
import { LiumUsageError } from './errors.ts';
import {
  defaultSshKeyName,
  fingerprintPublicKey,
  forgetKnownSshKeys,
  publicKeyIdentity,
} from './ssh-key-cache.ts';
import { resolveText } from './targets.ts';

/** The key types `ssh-keygen` writes and the platform accepts. */
const KEY_LINE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+[A-Za-z0-9+/]+={0,2}(\s.*)?$/;

/** One key of the account, with the fingerprint `ssh-keygen -l` shows. */
export interface SshKeyInfo {
  /** The key's id on the account. */
  id: string;
  /** Its name; empty when it has none. */
  name: string;
  /** `SHA256:…`, as `ssh-keygen -l` shows it. */
  fingerprint: string;
  /** `ssh-ed25519 AAAA…` (without the comment). */
  publicKey: string;
  /** When it was added, as the API sent it; absent when it did not. */
  createdAt: string | undefined;
}

/** The account's key as the API sent it → {@link SshKeyInfo}. Pure. */
export function toSshKeyInfo(key: SshKey): SshKeyInfo {
  return {
    id: key.id,
    name: key.name ?? '',
    fingerprint: fingerprintPublicKey(key.public_key),
    publicKey: publicKeyIdentity(key.public_key),
    createdAt: key.created_at ?? undefined,
  };
}

/**
 * Checks one OpenSSH public key line (`type base64 [comment]`); a private key, an empty file or
 * anything else is refused with what to give instead. Pure.
 */
export function parsePublicKeyLine(text: string, source = 'the key'): string {
  const line = text.trim().split(/\r?\n/)[0]?.trim() ?? '';
  if (/PRIVATE KEY/.test(text)) {
    throw new LiumUsageError(`${source} is a private key`, {
      code: 'ssh_key_invalid',
      hint: 'Give the public half (the .pub file next to it); a private key never leaves this machine.',
    });
  }
  if (!KEY_LINE.test(line)) {
    throw new LiumUsageError(`${source} is not an OpenSSH public key`, {
      code: 'ssh_key_invalid',
      hint: 'Give a .pub file as `ssh-keygen` writes it (ssh-ed25519 AAAA… comment).',
    });
  }
  return line;
}

/** Reads and checks a public key file (`~/.ssh/id_ed25519.pub`). */
export async function readPublicKeyFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LiumUsageError(
      code === 'ENOENT' ? `No key file at ${path}` : `Cannot read ${path} (${code ?? 'error'})`,
      {
        code: 'ssh_key_missing',
        hint: 'Create one with `ssh-keygen -t ed25519`, or give the path of a .pub file.',
      },
    );
  }
  return parsePublicKeyLine(text, path);
}

/** The API calls the SSH key functions use (`LiumAPIClient` has them all). */
export type SshKeyDeps = Pick<LiumAPIClient, 'getSshKeys' | 'createSshKey' | 'deleteSshKey'>;
/** @inline */
type Signal = {
  /** Aborts the call; the error has code `aborted`. */
  signal?: AbortSignal | undefined;
};
const call = (options: Signal) => ({ signal: options.signal });

/** The account's keys (the CLI's `ssh-keys`). */
export async function listSshKeyInfos(
  deps: SshKeyDeps,
  options: Signal = {},
): Promise<SshKeyInfo[]> {
  return (await deps.getSshKeys(call(options))).map(toSshKeyInfo);
}

/**
 * Registers a public key with the account (the CLI's `ssh-keys add`); a key the account has already
 * is not added twice (`added: false`, with the existing entry).
 */
export async function addSshKey(
  deps: SshKeyDeps,
  publicKey: string,
  options: Signal & { name?: string | undefined } = {},
): Promise<{
  /** The account's key for this public key. */
  key: SshKeyInfo;
  /** False when the account already had it (nothing was added). */
  added: boolean;
}> {
  const line = parsePublicKeyLine(publicKey);
  const identity = publicKeyIdentity(line);
  const existing = (await deps.getSshKeys(call(options))).find(
    (key) => publicKeyIdentity(key.public_key) === identity,
  );
  if (existing) return { key: toSshKeyInfo(existing), added: false };
  const name = options.name?.trim() || line.split(/\s+/)[2] || defaultSshKeyName();
  const created = await deps.createSshKey({ name, publicKey: line }, call(options));
  return { key: toSshKeyInfo(created), added: true };
}

/** The key an `ID|NAME` (or fingerprint) names; `target_not_found`/`target_ambiguous` otherwise. */
export function findAccountSshKey(keys: readonly SshKeyInfo[], ref: string): SshKeyInfo {
  const byFingerprint = keys.filter((key) => key.fingerprint === ref);
  if (byFingerprint.length === 1 && byFingerprint[0]) return byFingerprint[0];
  const found = resolveText(
    ref,
    keys.map((key) => ({ id: key.id, huid: key.fingerprint.toLowerCase(), name: key.name, key })),
    'SSH key',
  );
  return found.key;
}

/**
 * Deletes one key the account has (found with {@link findAccountSshKey}); a key the server no
 * longer knows is `target_not_found` naming its id. With `configDir`, the cache of keys known to
 * the server is dropped too, so the next rent registers the local key again if it was this one.
 */
export async function deleteAccountSshKey(
  deps: SshKeyDeps,
  key: SshKeyInfo,
  options: Signal & { configDir?: string | undefined } = {},
): Promise<SshKeyInfo> {
  try {
    await deps.deleteSshKey(key.id, call(options));
  } catch (error) {
    if ((error as LiumError).code === 'not_found') {
      throw new LiumError(`SSH key ${key.id} is gone already`, {
        code: 'target_not_found',
        hint: "List the account's keys (GET /ssh-keys) to see what is there.",
        cause: error,
      });
    }
    throw error;
  } finally {
    if (options.configDir !== undefined) await forgetKnownSshKeys(options.configDir);
  }
  return key;
}

/** Removes a key from the account (the CLI's `ssh-keys rm ID|NAME`). */
export async function removeSshKey(
  deps: SshKeyDeps,
  ref: string,
  options: Signal & { configDir?: string | undefined } = {},
): Promise<SshKeyInfo> {
  const key = findAccountSshKey(await listSshKeyInfos(deps, options), ref);
  return deleteAccountSshKey(deps, key, options);
}
