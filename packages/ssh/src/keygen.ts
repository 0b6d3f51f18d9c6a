import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPairSync } from './ssh2-client.ts';

/** What {@link writeNewKeyPair} makes. */
export interface NewKeyPairOptions {
  /** Encrypts the private key (aes256-ctr, bcrypt KDF, 16 rounds, as ssh-keygen does); empty or absent: none. */
  passphrase?: string | undefined;
  /** The comment at the end of the public key (default `lium`). */
  comment?: string | undefined;
}

/** The files {@link writeNewKeyPair} wrote. */
export interface NewKeyPair {
  /** The private key file (mode 0600). */
  privateKeyPath: string;
  /** The public key file, `<private key>.pub` (mode 0644). */
  publicKeyPath: string;
  /** The public key line (`ssh-ed25519 AAAA… comment`). */
  publicKey: string;
  /** True when the private key is encrypted with a passphrase. */
  encrypted: boolean;
}

/**
 * Generates an ed25519 key pair in-process (the passphrase never reaches a command line) and
 * writes it in OpenSSH format: the private key 0600, `<path>.pub` 0644, the directory created
 * 0700 if missing. Refuses to overwrite either file.
 */
export async function writeNewKeyPair(
  path: string,
  options: NewKeyPairOptions = {},
): Promise<NewKeyPair> {
  const comment = options.comment ?? 'lium';
  const passphrase = options.passphrase ? options.passphrase : undefined;
  const pair = generateKeyPairSync(
    'ed25519',
    passphrase === undefined
      ? { comment }
      : { comment, passphrase, cipher: 'aes256-ctr', rounds: 16 },
  );
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const publicKeyPath = `${path}.pub`;
  const publicKey = pair.public.trim();
  await writeFile(path, pair.private, { mode: 0o600, flag: 'wx' });
  await writeFile(publicKeyPath, `${publicKey}\n`, { mode: 0o644, flag: 'wx' });
  // Exactly these modes, whatever the umask.
  await chmod(path, 0o600);
  await chmod(publicKeyPath, 0o644);
  return { privateKeyPath: path, publicKeyPath, publicKey, encrypted: passphrase !== undefined };
}
