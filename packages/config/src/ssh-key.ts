import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LiumConfigError } from './errors.ts';
import { expandHome, homeDirOf } from './paths.ts';

/** A local SSH key found by {@link findSshKey}: both files and the public keys in the `.pub`. */
export interface SshKeyPair {
  /** The private key file, absolute. */
  privateKeyPath: string;
  /** Its public half (`<private>.pub`), absolute. */
  publicKeyPath: string;
  /** The lines of the public key file that hold a key (`ssh-…` or `ecdsa-…`), trimmed. */
  publicKeys: string[];
}

/** Where {@link findSshKey} looks. */
export interface FindSshKeyOptions {
  /** `ssh.key_path`: the private key or its `.pub`; `~` is expanded. */
  keyPath?: string | undefined;
  /** Where `~` and `~/.ssh` are. Default `$HOME`, else the OS account's home. */
  homeDir?: string | undefined;
}

/** The keys tried, in order, when no key path is configured. */
export const DEFAULT_KEY_NAMES = ['id_ed25519', 'id_ecdsa', 'id_rsa'] as const;

const MAKE_ONE = 'Create one with `ssh-keygen -t ed25519`';

/**
 * Finds the SSH key pair to rent pods with and log in to them.
 *
 * With `keyPath` (`ssh.key_path`), that key and nothing else: it may name the private key or the
 * public one (a `.pub` suffix is removed to get the private key; `.pub` is appended to get the
 * public one). Without it, the first of `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa` that has both
 * halves. A missing key, or a public key file without a key in it, throws `LiumConfigError`
 * `ssh_key_missing` whose hint says how to make one.
 */
export async function findSshKey(options: FindSshKeyOptions = {}): Promise<SshKeyPair> {
  const home = options.homeDir ?? homeDirOf();
  if (options.keyPath !== undefined && options.keyPath !== '') {
    return configuredPair(resolve(expandHome(options.keyPath, home)));
  }

  const sshDir = join(home, '.ssh');
  const withoutPublicHalf: string[] = [];
  for (const name of DEFAULT_KEY_NAMES) {
    const privateKeyPath = join(sshDir, name);
    if (!(await isFile(privateKeyPath))) continue;
    const publicKeyPath = `${privateKeyPath}.pub`;
    const publicKeys = await readPublicKeys(publicKeyPath);
    if (publicKeys.length > 0) return { privateKeyPath, publicKeyPath, publicKeys };
    withoutPublicHalf.push(privateKeyPath);
  }

  const first = withoutPublicHalf[0];
  if (first !== undefined) {
    throw new LiumConfigError(`SSH key ${first} has no public key file ${first}.pub.`, {
      code: 'ssh_key_missing',
      file: `${first}.pub`,
      hint: `Recreate it with \`ssh-keygen -y -f ${first} > ${first}.pub\`, or ${lowerFirst(MAKE_ONE)}.`,
    });
  }
  throw new LiumConfigError(
    `No SSH key found: looked for ${DEFAULT_KEY_NAMES.map((name) => join(sshDir, name)).join(', ')}.`,
    {
      code: 'ssh_key_missing',
      hint: `${MAKE_ONE}, or point ssh.key_path (in config.ini or $LIUM_SSH_KEY_PATH) at an existing key.`,
    },
  );
}

async function configuredPair(keyPath: string): Promise<SshKeyPair> {
  // A suffix, not a set of characters: Python's `rstrip('.pub')` turned `club.pub` into `cl`.
  const privateKeyPath = keyPath.endsWith('.pub') ? keyPath.slice(0, -'.pub'.length) : keyPath;
  const publicKeyPath = `${privateKeyPath}.pub`;
  const fixIt = `Point ssh.key_path (in config.ini or $LIUM_SSH_KEY_PATH) at an existing key, or ${lowerFirst(MAKE_ONE)}.`;

  if (!(await isFile(privateKeyPath))) {
    throw new LiumConfigError(
      `SSH private key ${privateKeyPath} (from ssh.key_path) does not exist.`,
      {
        code: 'ssh_key_missing',
        file: privateKeyPath,
        hint: fixIt,
      },
    );
  }
  const publicKeys = await readPublicKeys(publicKeyPath);
  if (publicKeys.length === 0) {
    throw new LiumConfigError(
      `SSH public key ${publicKeyPath} (from ssh.key_path) is missing or holds no key.`,
      {
        code: 'ssh_key_missing',
        file: publicKeyPath,
        hint: `Recreate it with \`ssh-keygen -y -f ${privateKeyPath} > ${publicKeyPath}\`. ${fixIt}`,
      },
    );
  }
  return { privateKeyPath, publicKeyPath, publicKeys };
}

/** Lines that start with `ssh-` or `ecdsa-`, as the official SDK reads them; [] when unreadable. */
async function readPublicKeys(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('ssh-') || line.startsWith('ecdsa-'));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
