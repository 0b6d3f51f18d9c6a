import { LiumWalletError } from './errors.ts';

/** How a keyfile's bytes are protected. */
export type KeyfileEncryption = 'nacl' | 'ansible' | 'legacy' | 'none';

const NACL_PREFIX = new TextEncoder().encode('$NACL');
const ANSIBLE_PREFIX = new TextEncoder().encode('$ANSIBLE_VAULT');
const FERNET_PREFIX = new TextEncoder().encode('gAAAAA');

/** The fixed salt bittensor's wallet code derives every `$NACL` key with (not secret). */
export const NACL_SALT = Uint8Array.from([
  0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
]);

/**
 * libsodium's `crypto_pwhash_argon2i` "sensitive" limits, which bittensor uses: 8 passes over
 * 512 MiB, one lane, a 32-byte key (Argon2i v1.3).
 */
export const NACL_KDF = { iterations: 8, memoryKiB: 512 * 1024, parallelism: 1, keyBytes: 32 };

const NONCE_BYTES = 24;
const MAC_BYTES = 16;

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  return prefix.every((byte, i) => data[i] === byte);
}

/**
 * Tells how a keyfile is stored: `nacl` (`$NACL` + secretbox, what btcli writes today),
 * `ansible` (Ansible Vault) or `legacy` (Fernet), both older btcli formats, or `none`
 * (plain JSON).
 */
export function keyfileEncryption(data: Uint8Array): KeyfileEncryption {
  if (startsWith(data, NACL_PREFIX)) return 'nacl';
  if (startsWith(data, ANSIBLE_PREFIX)) return 'ansible';
  if (startsWith(data, FERNET_PREFIX)) return 'legacy';
  return 'none';
}

/** The secretbox key for `password`: Argon2i over the fixed salt (seconds and 512 MiB of work). */
export async function deriveNaclKey(password: string): Promise<Uint8Array> {
  const { argon2i } = await import('hash-wasm');
  return argon2i({
    password: new TextEncoder().encode(password),
    salt: NACL_SALT,
    iterations: NACL_KDF.iterations,
    memorySize: NACL_KDF.memoryKiB,
    parallelism: NACL_KDF.parallelism,
    hashLength: NACL_KDF.keyBytes,
    outputType: 'binary',
  });
}

async function secretbox(): Promise<typeof import('tweetnacl').secretbox> {
  const module = await import('tweetnacl');
  return (module.default ?? module).secretbox;
}

/** Options of {@link decryptKeyfile}. */
export interface DecryptOptions {
  /** The file the bytes came from, for error messages. */
  path?: string | undefined;
  /** A key from {@link deriveNaclKey}, to skip the derivation (e.g. one key for several files). */
  key?: Uint8Array | undefined;
}

/**
 * Opens a `$NACL` keyfile with `password` and returns the plain keyfile (JSON bytes). A wrong
 * password throws `wallet_password_wrong`; Ansible Vault and Fernet files throw
 * `keyfile_unsupported` (re-encrypt them with btcli); a plain file is returned as it is.
 */
export async function decryptKeyfile(
  data: Uint8Array,
  password: string,
  options: DecryptOptions = {},
): Promise<Uint8Array> {
  const kind = keyfileEncryption(data);
  if (kind === 'none') return data;
  if (kind !== 'nacl') throw unsupported(kind, options.path);
  const body = data.subarray(NACL_PREFIX.length);
  if (body.length < NONCE_BYTES + MAC_BYTES) {
    throw new LiumWalletError(`${options.path ?? 'The keyfile'} is truncated`, {
      code: 'keyfile_invalid',
      ...(options.path ? { path: options.path } : {}),
      hint: 'Restore the wallet from its mnemonic with `btcli wallet regen-coldkey`.',
    });
  }
  const key = options.key ?? (await deriveNaclKey(password));
  const box = await secretbox();
  const plain = box.open(body.subarray(NONCE_BYTES), body.subarray(0, NONCE_BYTES), key);
  if (!options.key) key.fill(0);
  if (!plain) {
    throw new LiumWalletError(`Wrong password for ${options.path ?? 'the keyfile'}`, {
      code: 'wallet_password_wrong',
      ...(options.path ? { path: options.path } : {}),
      hint: 'Type the password you gave btcli for this coldkey (or set LIUM_WALLET_PASSWORD).',
    });
  }
  return plain;
}

/**
 * Encrypts a plain keyfile the way btcli does (`$NACL` + nonce + secretbox), for tools and
 * tests that make wallets. `nonce` defaults to 24 random bytes.
 */
export async function encryptKeyfileNacl(
  plain: Uint8Array,
  password: string,
  options: { nonce?: Uint8Array; key?: Uint8Array } = {},
): Promise<Uint8Array> {
  const box = await secretbox();
  const nonce = options.nonce ?? crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const key = options.key ?? (await deriveNaclKey(password));
  const sealed = box(plain, nonce, key);
  const out = new Uint8Array(NACL_PREFIX.length + nonce.length + sealed.length);
  out.set(NACL_PREFIX, 0);
  out.set(nonce, NACL_PREFIX.length);
  out.set(sealed, NACL_PREFIX.length + nonce.length);
  return out;
}

function unsupported(kind: 'ansible' | 'legacy', path: string | undefined): LiumWalletError {
  const format = kind === 'ansible' ? 'Ansible Vault' : 'legacy (Fernet)';
  return new LiumWalletError(
    `${path ?? 'The keyfile'} uses the ${format} encryption, which is not supported`,
    {
      code: 'keyfile_unsupported',
      ...(path ? { path } : {}),
      hint: 'Re-encrypt it with a current btcli (`btcli wallet regen-coldkey`), then try again.',
    },
  );
}
