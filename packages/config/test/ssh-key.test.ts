import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTestKey } from '@lium/test-support/keys';
import { describe, expect, it, vi } from 'vitest';
import { findSshKey, LiumConfigError } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFake alice@laptop';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYFake bob@desk';
const RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQFake carol@box';
const PRIVATE = '-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n-----END OPENSSH PRIVATE KEY-----\n';

/** A temporary home with the given files under it. */
async function home(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content, { mode: 0o600 });
  }
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<LiumConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LiumConfigError);
  expect(error).toMatchObject({ code: 'ssh_key_missing' });
  return error as LiumConfigError;
}

describe('findSshKey with ssh.key_path', () => {
  it('accepts the private key path', async () => {
    const homeDir = await home({ 'keys/lium': PRIVATE, 'keys/lium.pub': `${ED25519}\n` });
    expect(await findSshKey({ keyPath: join(homeDir, 'keys/lium'), homeDir })).toEqual({
      privateKeyPath: join(homeDir, 'keys/lium'),
      publicKeyPath: join(homeDir, 'keys/lium.pub'),
      publicKeys: [ED25519],
    });
  });

  it('accepts the public key path', async () => {
    const homeDir = await home({ 'keys/lium': PRIVATE, 'keys/lium.pub': `${ED25519}\n` });
    const pair = await findSshKey({ keyPath: join(homeDir, 'keys/lium.pub'), homeDir });
    expect(pair.privateKeyPath).toBe(join(homeDir, 'keys/lium'));
    expect(pair.publicKeyPath).toBe(join(homeDir, 'keys/lium.pub'));
  });

  it('strips .pub as a suffix, not as characters (the Python rstrip bug)', async () => {
    const homeDir = await home({ 'keys/club': PRIVATE, 'keys/club.pub': ED25519 });
    const pair = await findSshKey({ keyPath: join(homeDir, 'keys/club.pub'), homeDir });
    expect(pair.privateKeyPath).toBe(join(homeDir, 'keys/club'));
  });

  it('appends .pub to a dotted private key name instead of replacing its extension', async () => {
    const homeDir = await home({ 'keys/lium.ed25519': PRIVATE, 'keys/lium.ed25519.pub': ED25519 });
    const pair = await findSshKey({ keyPath: join(homeDir, 'keys/lium.ed25519'), homeDir });
    expect(pair.publicKeyPath).toBe(join(homeDir, 'keys/lium.ed25519.pub'));
  });

  it('expands ~ against homeDir', async () => {
    const homeDir = await home({ '.ssh/work': PRIVATE, '.ssh/work.pub': RSA });
    const pair = await findSshKey({ keyPath: '~/.ssh/work', homeDir });
    expect(pair).toMatchObject({ privateKeyPath: join(homeDir, '.ssh/work'), publicKeys: [RSA] });
  });

  it('keeps only key lines from the public key file', async () => {
    const homeDir = await home({
      'k/id': PRIVATE,
      'k/id.pub': `# my keys\r\n\r\n  ${ED25519}  \r\n${ECDSA}\r\nnot a key\r\n`,
    });
    const pair = await findSshKey({ keyPath: join(homeDir, 'k/id'), homeDir });
    expect(pair.publicKeys).toEqual([ED25519, ECDSA]);
  });

  it('does not fall back to ~/.ssh when the configured key is missing', async () => {
    const homeDir = await home({ '.ssh/id_ed25519': PRIVATE, '.ssh/id_ed25519.pub': ED25519 });
    const error = await failure(findSshKey({ keyPath: join(homeDir, 'gone/key.pub'), homeDir }));
    expect(error.message).toContain(join(homeDir, 'gone/key'));
    expect(error.hint).toContain('ssh-keygen -t ed25519');
    expect(error.hint).toContain('ssh-keygen -t ed25519');
  });

  it('fails when the configured private key has no public half', async () => {
    const homeDir = await home({ 'k/id': PRIVATE, 'k/id.pub': '# nothing here\n' });
    const error = await failure(findSshKey({ keyPath: join(homeDir, 'k/id'), homeDir }));
    expect(error.file).toBe(join(homeDir, 'k/id.pub'));
    expect(error.hint).toContain(`ssh-keygen -y -f ${join(homeDir, 'k/id')}`);
  });
});

describe('findSshKey in ~/.ssh', () => {
  it('prefers id_ed25519, then id_ecdsa, then id_rsa', async () => {
    const all = await home({
      '.ssh/id_rsa': PRIVATE,
      '.ssh/id_rsa.pub': RSA,
      '.ssh/id_ecdsa': PRIVATE,
      '.ssh/id_ecdsa.pub': ECDSA,
      '.ssh/id_ed25519': PRIVATE,
      '.ssh/id_ed25519.pub': ED25519,
    });
    expect(await findSshKey({ homeDir: all })).toEqual({
      privateKeyPath: join(all, '.ssh/id_ed25519'),
      publicKeyPath: join(all, '.ssh/id_ed25519.pub'),
      publicKeys: [ED25519],
    });
    const noEd = await home({
      '.ssh/id_rsa': PRIVATE,
      '.ssh/id_rsa.pub': RSA,
      '.ssh/id_ecdsa': PRIVATE,
      '.ssh/id_ecdsa.pub': ECDSA,
    });
    expect((await findSshKey({ homeDir: noEd })).publicKeys).toEqual([ECDSA]);
    const rsaOnly = await home({ '.ssh/id_rsa': PRIVATE, '.ssh/id_rsa.pub': RSA });
    expect((await findSshKey({ homeDir: rsaOnly })).privateKeyPath).toBe(
      join(rsaOnly, '.ssh/id_rsa'),
    );
  });

  it('finds keys made by the real ssh-keygen', async () => {
    const homeDir = await home({});
    const sshDir = join(homeDir, '.ssh');
    await mkdir(sshDir, { mode: 0o700 });
    const rsa = await generateTestKey({ dir: sshDir, type: 'rsa' });
    const ecdsa = await generateTestKey({ dir: sshDir, type: 'ecdsa' });
    expect(await findSshKey({ homeDir })).toEqual({
      privateKeyPath: ecdsa.privateKeyPath,
      publicKeyPath: ecdsa.publicKeyPath,
      publicKeys: [ecdsa.publicKey],
    });
    expect(ecdsa.publicKey).toMatch(/^ecdsa-sha2-nistp256 /);
    const configured = await findSshKey({ keyPath: rsa.publicKeyPath, homeDir });
    expect(configured).toMatchObject({
      privateKeyPath: rsa.privateKeyPath,
      publicKeys: [rsa.publicKey],
    });
  });

  it('skips a private key without its .pub and uses the next one', async () => {
    const homeDir = await home({
      '.ssh/id_ed25519': PRIVATE,
      '.ssh/id_rsa': PRIVATE,
      '.ssh/id_rsa.pub': RSA,
    });
    expect((await findSshKey({ homeDir })).privateKeyPath).toBe(join(homeDir, '.ssh/id_rsa'));
  });

  it('says how to recreate the .pub when only a private key exists', async () => {
    const homeDir = await home({ '.ssh/id_ed25519': PRIVATE });
    const error = await failure(findSshKey({ homeDir }));
    expect(error.hint).toContain(`ssh-keygen -y -f ${join(homeDir, '.ssh/id_ed25519')}`);
  });

  it('says how to make a key when there is none', async () => {
    const homeDir = await home({ '.ssh/known_hosts': '' });
    const error = await failure(findSshKey({ homeDir }));
    expect(error.message).toContain(join(homeDir, '.ssh/id_ed25519'));
    expect(error.hint).toContain('ssh-keygen -t ed25519');
    expect(error.hint).toContain('ssh-keygen -t ed25519');
  });

  it('reads $HOME when no homeDir is given', async () => {
    const homeDir = await home({ '.ssh/id_ed25519': PRIVATE, '.ssh/id_ed25519.pub': ED25519 });
    vi.stubEnv('HOME', homeDir);
    expect((await findSshKey()).privateKeyPath).toBe(join(homeDir, '.ssh/id_ed25519'));
  });
});
