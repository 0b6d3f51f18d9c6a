// @ts-check
/** Temp directories that are always removed, and a throwaway HOME with an ed25519 key for lium. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { generateTestKey } from '@lium/test-support/keys';

/** @type {Set<string>} */
const created = new Set();

/** @param {string} prefix */
export async function tempDir(prefix) {
  const dir = await mkdtemp(join(tmpdir(), `lium-bench-${prefix}-`));
  created.add(dir);
  return dir;
}

/** @param {string} dir */
export async function removeDir(dir) {
  created.delete(dir);
  await rm(dir, { recursive: true, force: true });
}

/** Removes every temp dir still around (called on exit, also after a failed row). */
export async function removeAllTempDirs() {
  await Promise.all([...created].map((dir) => removeDir(dir)));
}

/**
 * Creates an ed25519 key pair with the real ssh-keygen (no passphrase).
 * @param {string} path private key path; the public key is `${path}.pub`
 */
export async function sshKeygen(path) {
  const key = await generateTestKey({
    dir: dirname(path),
    name: basename(path),
    comment: 'lium-bench',
  });
  return { privateKeyPath: key.privateKeyPath, publicKeyPath: key.publicKeyPath };
}

/**
 * A HOME for `lium` runs: `~/.ssh/id_ed25519`, `~/.lium` as LIUM_CONFIG_DIR, and the emulator's
 * URL and key in the environment. Nothing of the real user's HOME is read.
 * @param {{ baseUrl: string, apiKey: string }} [api] omitted: no API settings at all
 */
export async function cliHome(api) {
  const home = await tempDir('home');
  await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const key = await sshKeygen(join(home, '.ssh', 'id_ed25519'));
  const configDir = join(home, '.lium');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    LIUM_CONFIG_DIR: configDir,
    ...(api ? { LIUM_BASE_URL: api.baseUrl, LIUM_API_KEY: api.apiKey } : {}),
    NO_COLOR: '1',
    TERM: 'dumb',
    CI: '1',
  };
  return { home, configDir, key, env };
}
