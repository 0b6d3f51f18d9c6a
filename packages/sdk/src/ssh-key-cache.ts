import { createHash, pbkdf2 } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '@lium/config';
import * as v from 'valibot';

const pbkdf2Async = promisify(pbkdf2);

/**
 * Which local public keys the server already knows, so `startPod` skips `GET /ssh-keys` when
 * nothing changed. Same file, shape and digest as the official client (reference §4.4, [L]
 * `lium/sdk/ssh_key_cache.py`): `<configDir>/ssh_keys_cache.json` =
 * `{ api_key_digest, fingerprints: [sorted] }`, the digest being the first 16 hex digits of
 * PBKDF2-HMAC-SHA256(api key, "lium.ssh_key_cache.v1", 200 000 rounds). A cache written for
 * another key is ignored.
 */
export const SSH_KEY_CACHE_FILE = 'ssh_keys_cache.json';

/** `ssh-keygen -lf` style: `SHA256:` + unpadded base64 of SHA-256 over the key blob. */
export function fingerprintPublicKey(line: string): string {
  const blob = line.trim().split(/\s+/)[1];
  if (blob && /^[A-Za-z0-9+/]+={0,2}$/.test(blob)) {
    const bytes = Buffer.from(blob, 'base64');
    if (bytes.length > 0) {
      return `SHA256:${createHash('sha256').update(bytes).digest('base64').replace(/=+$/, '')}`;
    }
  }
  return `SHA256:raw:${createHash('sha256').update(line.trim()).digest('hex')}`;
}

/** `type base64` of a public key line, without its comment, for comparing keys. */
export function publicKeyIdentity(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

export async function apiKeyDigest(apiKey: string): Promise<string> {
  const key = await pbkdf2Async(apiKey, 'lium.ssh_key_cache.v1', 200_000, 32, 'sha256');
  return key.toString('hex').slice(0, 16);
}

/** `ssh_key_cache.json`: `{ api_key_digest, fingerprints: [...] }`. */
const KeyCacheFileSchema = v.object({
  api_key_digest: v.string(),
  fingerprints: v.array(v.unknown()),
});

export async function readKnownFingerprints(
  configDir: string,
  digest: string,
): Promise<Set<string>> {
  try {
    const text = await readFile(join(configDir, SSH_KEY_CACHE_FILE), 'utf8');
    const parsed = v.safeParse(KeyCacheFileSchema, JSON.parse(text));
    if (!parsed.success || parsed.output.api_key_digest !== digest) return new Set();
    return new Set(parsed.output.fingerprints.filter((f): f is string => typeof f === 'string'));
  } catch {
    return new Set();
  }
}

export async function writeKnownFingerprints(
  configDir: string,
  digest: string,
  fingerprints: Iterable<string>,
): Promise<void> {
  const data = { api_key_digest: digest, fingerprints: [...new Set(fingerprints)].sort() };
  await writeFileAtomic(join(configDir, SSH_KEY_CACHE_FILE), `${JSON.stringify(data, null, 2)}\n`);
}

/** Drops the cache, so the next rent asks the server again (after a key was removed there). */
export async function forgetKnownSshKeys(configDir: string): Promise<void> {
  await rm(join(configDir, SSH_KEY_CACHE_FILE), { force: true });
}

/** `cli-<user>@<host>` with only `[A-Za-z0-9._@-]`, at most 64 characters ([L]). */
export function defaultSshKeyName(): string {
  let user = 'user';
  try {
    user = userInfo().username || user;
  } catch {
    // No passwd entry (some containers); keep the placeholder.
  }
  return `cli-${user}@${hostname()}`.replace(/[^A-Za-z0-9._@-]/g, '-').slice(0, 64);
}
