import { readFile } from 'node:fs/promises';
import { LiumWalletError } from './errors.ts';
import { decryptKeyfile, keyfileEncryption } from './keyfile.ts';
import type { Wallet } from './wallet.ts';

/**
 * An unlocked sr25519 coldkey. The secret lives only inside this object's closure: it is not a
 * property, not serialised by `JSON.stringify` or `util.inspect`, and `dispose()` wipes it.
 */
export interface ColdkeySigner {
  readonly address: string;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** An sr25519 signature (64 bytes) over `message` (a string is signed as its UTF-8 bytes). */
  sign(message: Uint8Array | string): Uint8Array;
  /** Overwrites the secret key; the signer cannot sign afterwards. */
  dispose(): void;
}

/** Where the password comes from: a string, or a callback (a hidden prompt) asked once per try. */
export type PasswordSource = string | ((attempt: number) => Promise<string>);

/** Options of {@link unlockColdkey}. */
export interface UnlockOptions {
  /** Needed only for an encrypted coldkey; a missing one throws `wallet_password_missing`. */
  password?: PasswordSource | undefined;
  /** Tries a callback password gets before `wallet_password_wrong` (default 3; a string gets 1). */
  maxAttempts?: number | undefined;
}

interface KeyfileJson {
  publicKey?: unknown;
  privateKey?: unknown;
  secretSeed?: unknown;
  ss58Address?: unknown;
}

const HEX = /^0x[0-9a-fA-F]*$/;

function hexBytes(value: unknown, length: number): Uint8Array | undefined {
  if (typeof value !== 'string' || !HEX.test(value) || value.length !== 2 + length * 2)
    return undefined;
  return Uint8Array.from(Buffer.from(value.slice(2), 'hex'));
}

/**
 * Reads `<wallet>/coldkey`, decrypts it if needed and returns a signer. The decrypted JSON is
 * wiped as soon as the key is out of it; its public key must match `coldkeypub.txt`.
 */
export async function unlockColdkey(
  wallet: Wallet,
  options: UnlockOptions = {},
): Promise<ColdkeySigner> {
  const path = wallet.coldkeyPath;
  let data: Uint8Array;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new LiumWalletError(`Wallet "${wallet.name}" has no coldkey file: ${path}`, {
      code: 'wallet_not_found',
      path,
      hint: 'Only coldkeypub.txt is here; restore the coldkey with `btcli wallet regen-coldkey`.',
      cause: error,
    });
  }
  const plain = await openKeyfile(data, path, options);
  try {
    return await signerFrom(plain, wallet);
  } finally {
    plain.fill(0);
    data.fill(0);
  }
}

async function openKeyfile(
  data: Uint8Array,
  path: string,
  options: UnlockOptions,
): Promise<Uint8Array> {
  const kind = keyfileEncryption(data);
  if (kind === 'none') return Uint8Array.from(data);
  if (kind !== 'nacl') return decryptKeyfile(data, '', { path });
  const source = options.password;
  if (source === undefined || source === '') {
    throw new LiumWalletError(`The coldkey ${path} is encrypted and no password was given`, {
      code: 'wallet_password_missing',
      path,
      hint: 'Set LIUM_WALLET_PASSWORD, or run in a terminal to be asked for it.',
    });
  }
  const attempts = typeof source === 'string' ? 1 : Math.max(1, options.maxAttempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    const password = typeof source === 'string' ? source : await source(attempt);
    try {
      return await decryptKeyfile(data, password, { path });
    } catch (error) {
      if (
        !(error instanceof LiumWalletError) ||
        error.code !== 'wallet_password_wrong' ||
        attempt >= attempts
      ) {
        throw error;
      }
    }
  }
}

async function signerFrom(plain: Uint8Array, wallet: Wallet): Promise<ColdkeySigner> {
  let json: KeyfileJson;
  try {
    json = JSON.parse(Buffer.from(plain).toString('utf8')) as KeyfileJson;
  } catch {
    json = {};
  }
  const crypto = await import('@polkadot/util-crypto');
  await crypto.cryptoWaitReady();
  const seed = hexBytes(json.secretSeed, 32);
  let pair: { publicKey: Uint8Array; secretKey: Uint8Array } | undefined;
  if (seed) {
    pair = crypto.sr25519PairFromSeed(seed);
    seed.fill(0);
  } else {
    const secretKey = hexBytes(json.privateKey, 64);
    const publicKey = hexBytes(json.publicKey, 32);
    if (secretKey && publicKey) pair = { publicKey, secretKey };
  }
  if (!pair) {
    throw new LiumWalletError(`${wallet.coldkeyPath} holds no sr25519 key`, {
      code: 'keyfile_invalid',
      path: wallet.coldkeyPath,
      hint: 'Restore the wallet from its mnemonic with `btcli wallet regen-coldkey`.',
    });
  }
  const address = crypto.encodeAddress(pair.publicKey, 42);
  const expected =
    wallet.publicKey ?? `0x${Buffer.from(crypto.decodeAddress(wallet.address)).toString('hex')}`;
  if (`0x${Buffer.from(pair.publicKey).toString('hex')}` !== expected) {
    pair.secretKey.fill(0);
    throw new LiumWalletError(
      `The coldkey of wallet "${wallet.name}" does not match its coldkeypub.txt`,
      {
        code: 'wallet_invalid',
        path: wallet.coldkeyPath,
        hint: 'Regenerate coldkeypub.txt with `btcli wallet regen-coldkeypub`.',
      },
    );
  }
  const publicKey = pair.publicKey;
  let secret: Uint8Array | undefined = pair.secretKey;
  const signer: ColdkeySigner = {
    address,
    publicKey,
    sign(message) {
      if (!secret) throw new Error('This coldkey signer was disposed');
      const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message;
      return crypto.sr25519Sign(bytes, { publicKey, secretKey: secret });
    },
    dispose() {
      secret?.fill(0);
      secret = undefined;
    },
  };
  Object.defineProperty(signer, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `ColdkeySigner(${address})`,
  });
  Object.defineProperty(signer, 'toJSON', { value: () => ({ address }) });
  return signer;
}
