/** Creating the local SSH key pods are rented with, when there is none yet. */
import type { NewKeyPair } from '@lium/ssh';

/** What {@link createSshKey} makes. */
export interface CreateSshKeyOptions {
  /** Encrypts the private key; empty or absent: an unencrypted key. */
  passphrase?: string | undefined;
  /** The public key's comment (default `lium`). */
  comment?: string | undefined;
}

/**
 * Generates an ed25519 key at `path` (OpenSSH format, the private key 0600, `<path>.pub` 0644)
 * in-process, so a passphrase never appears on a command line. An encrypted key is used later
 * with `LIUM_SSH_PASSPHRASE` set, or through ssh-agent once `ssh-add` holds it. Refuses to
 * overwrite an existing file.
 */
export async function createSshKey(
  path: string,
  options: CreateSshKeyOptions = {},
): Promise<NewKeyPair> {
  const { writeNewKeyPair } = await import('./ssh-runtime.ts');
  return writeNewKeyPair(path, options);
}
