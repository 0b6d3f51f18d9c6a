import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NACL_VECTOR, VECTOR_PASSWORD, writeWallet } from '@lium/test-support/bittensor-wallets';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decryptKeyfile,
  deriveNaclKey,
  encryptKeyfileNacl,
  keyfileEncryption,
  LiumWalletError,
  openWallet,
  unlockColdkey,
} from '../src/index.ts';

const vector = Buffer.from(NACL_VECTOR.coldkeyHex, 'hex');
const root = mkdtempSync(join(tmpdir(), 'lium-wallets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Argon2i with btcli's limits is 512 MiB and seconds of work: derive once, here.
let derived: Promise<Uint8Array> | undefined;
const vectorKey = () => {
  derived ??= deriveNaclKey(VECTOR_PASSWORD);
  return derived;
};

describe('$NACL keyfiles (bittensor wallet format)', () => {
  it('derives the same Argon2i key as libsodium', { timeout: 180_000 }, async () => {
    expect(Buffer.from(await vectorKey()).toString('hex')).toBe(NACL_VECTOR.keyHex);
  });

  it('decrypts a keyfile libsodium encrypted, byte for byte', { timeout: 180_000 }, async () => {
    const plain = await decryptKeyfile(vector, VECTOR_PASSWORD, { key: await vectorKey() });
    expect(Buffer.from(plain).toString('utf8')).toBe(NACL_VECTOR.plain);
  });

  it('encrypts exactly as libsodium does with the same nonce', { timeout: 180_000 }, async () => {
    const sealed = await encryptKeyfileNacl(Buffer.from(NACL_VECTOR.plain), VECTOR_PASSWORD, {
      nonce: Uint8Array.from(Array.from({ length: 24 }, (_, i) => i)),
      key: await vectorKey(),
    });
    expect(Buffer.from(sealed).toString('hex')).toBe(NACL_VECTOR.coldkeyHex);
  });

  it('says the password is wrong when the box does not open, naming the file only', async () => {
    const wrongKey = new Uint8Array(32).fill(9);
    const error = await decryptKeyfile(vector, 'not it', {
      key: wrongKey,
      path: '/w/coldkey',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(LiumWalletError);
    expect(error.code).toBe('wallet_password_wrong');
    expect(error.message).toBe('Wrong password for /w/coldkey');
    expect(error.message).not.toContain('not it');
  });

  it('tells the formats apart and refuses the legacy ones with a btcli hint', async () => {
    expect(keyfileEncryption(vector)).toBe('nacl');
    expect(keyfileEncryption(Buffer.from('$ANSIBLE_VAULT;1.1;AES256\n'))).toBe('ansible');
    expect(keyfileEncryption(Buffer.from('gAAAAABk...'))).toBe('legacy');
    expect(keyfileEncryption(Buffer.from('{"publicKey":"0x"}'))).toBe('none');
    for (const data of ['$ANSIBLE_VAULT;1.1;AES256\n', 'gAAAAABk']) {
      const error = await decryptKeyfile(Buffer.from(data), 'pw').catch((e) => e);
      expect(error.code).toBe('keyfile_unsupported');
      expect(error.hint).toContain('btcli');
    }
  });

  it('rejects a truncated $NACL file without deriving a key', async () => {
    const error = await decryptKeyfile(Buffer.from('$NACLshort'), 'pw').catch((e) => e);
    expect(error.code).toBe('keyfile_invalid');
  });
});

describe('wallets on disk', () => {
  it('reads the address from coldkeypub.txt and signs with a plain coldkey', async () => {
    const made = await writeWallet(root, 'plain', { coldkey: 'plain' });
    const wallet = await openWallet({ name: 'plain', path: root });
    expect(wallet.address).toBe(made.address);
    expect(wallet.publicKey).toBe(made.publicKey);
    const signer = await unlockColdkey(wallet);
    const { signatureVerify } = await import('@polkadot/util-crypto');
    const signature = signer.sign('access-key-123');
    expect(signatureVerify('access-key-123', signature, made.address).isValid).toBe(true);
    // The secret is not reachable through the object.
    expect(JSON.stringify(signer)).toBe(JSON.stringify({ address: made.address }));
    const { inspect } = await import('node:util');
    expect(inspect(signer)).toBe(`ColdkeySigner(${made.address})`);
    signer.dispose();
    expect(() => signer.sign('x')).toThrow(/disposed/);
  });

  it('names the missing file for an unknown wallet', async () => {
    const error = await openWallet({ name: 'nope', path: root }).catch((e) => e);
    expect(error.code).toBe('wallet_not_found');
    expect(error.message).toBe(
      `No wallet "nope": ${join(root, 'nope', 'coldkeypub.txt')} does not exist`,
    );
  });

  it('refuses names that would leave the wallets directory', async () => {
    for (const name of ['..', '../x', 'a/b', '.hidden', '']) {
      const error = await openWallet({ name, path: root }).catch((e) => e);
      expect(error.code).toBe('wallet_name_invalid');
    }
  });

  it('needs a password for an encrypted coldkey and refuses a wrong one without retrying a string', async () => {
    await writeWallet(root, 'locked', { coldkey: 'nacl' });
    const wallet = await openWallet({ name: 'locked', path: root });
    expect(wallet.address).toBe(NACL_VECTOR.address);
    const missing = await unlockColdkey(wallet).catch((e) => e);
    expect(missing.code).toBe('wallet_password_missing');
    const data = await readFile(wallet.coldkeyPath);
    expect(keyfileEncryption(data)).toBe('nacl');
  });

  it('refuses Ansible Vault and Fernet coldkeys with the re-encrypt hint', async () => {
    for (const kind of ['ansible', 'legacy'] as const) {
      await writeWallet(root, kind, { coldkey: kind });
      const wallet = await openWallet({ name: kind, path: root });
      const error = await unlockColdkey(wallet, { password: 'x' }).catch((e) => e);
      expect(error.code).toBe('keyfile_unsupported');
      expect(error.message).toContain('not supported');
      expect(error.hint).toContain('Re-encrypt it with a current btcli');
    }
  });
});
