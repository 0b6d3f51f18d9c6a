import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiKeyDigest,
  defaultSshKeyName,
  fingerprintPublicKey,
  publicKeyIdentity,
  readKnownFingerprints,
  SSH_KEY_CACHE_FILE,
  writeKnownFingerprints,
} from './ssh-key-cache.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lium-sdk-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fingerprintPublicKey', () => {
  it('agrees with ssh-keygen -lf', async () => {
    const key = join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@host', '-f', key]);
    const line = await readFile(`${key}.pub`, 'utf8');
    const expected = execFileSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }).split(
      ' ',
    )[1];
    expect(fingerprintPublicKey(line)).toBe(expected);
  });

  it('falls back to a raw digest for lines that are not keys', () => {
    expect(fingerprintPublicKey('not a key!')).toMatch(/^SHA256:raw:[0-9a-f]{64}$/);
  });

  it('ignores comments when comparing keys', () => {
    expect(publicKeyIdentity('ssh-ed25519 AAAA me@a')).toBe(
      publicKeyIdentity('ssh-ed25519 AAAA you@b\n'),
    );
  });
});

describe('fingerprint cache', () => {
  it('round-trips for the same API key and is ignored for another', async () => {
    const digest = await apiKeyDigest('key-one');
    expect(digest).toBe('d27eebed5c894571'); // Python hashlib.pbkdf2_hmac, as [L] computes it
    await writeKnownFingerprints(dir, digest, ['SHA256:b', 'SHA256:a', 'SHA256:a']);
    const raw = JSON.parse(await readFile(join(dir, SSH_KEY_CACHE_FILE), 'utf8'));
    expect(raw).toEqual({ api_key_digest: digest, fingerprints: ['SHA256:a', 'SHA256:b'] });
    expect(raw.api_key_digest).not.toContain('key-one');
    expect(await readKnownFingerprints(dir, digest)).toEqual(new Set(['SHA256:a', 'SHA256:b']));
    expect(await readKnownFingerprints(dir, await apiKeyDigest('key-two'))).toEqual(new Set());
  });

  it('treats a missing or corrupt cache as empty', async () => {
    expect(await readKnownFingerprints(dir, 'x')).toEqual(new Set());
  });

  it('names keys cli-<user>@<host> with safe characters', () => {
    expect(defaultSshKeyName()).toMatch(/^cli-[A-Za-z0-9._@-]{1,60}$/);
  });
});
