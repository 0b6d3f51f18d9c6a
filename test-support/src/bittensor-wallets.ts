/**
 * Bittensor wallets for tests, written where a test asks (`<root>/<name>/coldkeypub.txt`,
 * `coldkey`, `hotkeys/<hotkey>`), in the layout and formats btcli uses.
 *
 * The encrypted coldkey is a known vector made with libsodium (PyNaCl 1.5, Debian's
 * python3-nacl) exactly as bittensor's wallet code encrypts: key = Argon2i(password,
 * NACL_SALT, opslimit 8, memlimit 512 MiB), data = "$NACL" + nonce (0x00..0x17) +
 * secretbox(keyfile JSON). Decrypting it checks our KDF and secretbox against libsodium's.
 * Plain wallets are made on the spot from a seed.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptoWaitReady, encodeAddress, sr25519PairFromSeed } from '@polkadot/util-crypto';

/** The password of {@link NACL_VECTOR}. */
export const VECTOR_PASSWORD = 'correct horse battery staple';

/** A `$NACL` coldkey made by libsodium, with what it must decrypt to. */
export const NACL_VECTOR = {
  password: VECTOR_PASSWORD,
  /** Argon2i(password, NACL_SALT, 8, 512 MiB), 32 bytes. */
  keyHex: '1d1893e9b889a5755cc057fe77990c53dce894a982e3748505f82a44c333e57d',
  /** The seed the keypair inside comes from (32 × 0x2a). */
  seedHex: `0x${'2a'.repeat(32)}`,
  address: '5EEm6M79PzHiRNYx6i9kNu9H86259CPfnkqH9ctsgWW5kgxe',
  publicKey: '0x6023d052711f478bc758918bdd26e24ac5d773629fc902dfb09de2588ba4ab08',
  /** The keyfile JSON inside, byte for byte. */
  plain:
    '{"accountId":"0x6023d052711f478bc758918bdd26e24ac5d773629fc902dfb09de2588ba4ab08","publicKey":"0x6023d052711f478bc758918bdd26e24ac5d773629fc902dfb09de2588ba4ab08","privateKey":"0xf00a2613bdbcce990d0a124d6fc4bf97319d0cccf3f67a2c3fe575b5b99864527a9faa61097aa0ec5bed3aa1e55d47306438047a0ea467ec15cc423ea2931ec1","secretPhrase":null,"secretSeed":"0x2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a","ss58Address":"5EEm6M79PzHiRNYx6i9kNu9H86259CPfnkqH9ctsgWW5kgxe"}',
  coldkeyHex:
    '244e41434c000102030405060708090a0b0c0d0e0f1011121314151617139d8ea43bc00787ce0a9cd0dede181550' +
    '4daf94ad14a4a4760d89379ddf20f26e8a8c273bf1e76f3f78134dd1519b3c26c51e9f9ff6419e8fb029cdbed1ec' +
    '57223b5b1d941164397d37e82a446116aa0baa9f0aed91751c30c433dd49844ca99be073fdd7a2ffd73b610ecebd' +
    'f22c6c5b583142628fba7707763fec42fb0dea850d656f08c4f67177613628bda2ecffb077b695bb16142884799a' +
    '42a1bfba75041bddea86d42c9018bf3698a508bb1e6c8c4b6fd34d7e74359eea83004376e247ed6cff45a34e1e45' +
    '5e132ae7774781425da0919916a406666c0e847f9911bb0d4c14c2fd621a2be7de36e4d358b3472eb504de65882d' +
    '489dd3fbd97d540b5a378047f7e7ba294df574f474316271f1cccbd5a79810c60e91af9704c46b2470d5b9705547' +
    '68500df435fd65729d6f2e02fc6e2176495588ee1877e04cffa67aefb76968235a12e417b01ee29120e12e1cb5f9' +
    'aa62486f5708501957cf1dcabf21ac4a1527817076789dbe1c41f82dce37b918fad47924b6ad3e6542f6dc7b4e01' +
    '22eecedb4d8eb3205136c049c24caae2787ba1d572f7cc6a90ea625440977f35b3f35d54a93a23a27e6f7b36bd45' +
    '1474ebaa18ea77f5e95e315dd015f59f8f40e4d56d319e691bd4d806539e0d2438ac4ba6d43e54f2589e9c2b85ef' +
    '796d2c76b9a23d719c860912a5133e',
} as const;

/** What {@link writeWallet} made. */
export interface TestWallet {
  name: string;
  dir: string;
  address: string;
  publicKey: string;
}

export interface WriteWalletOptions {
  /** `nacl`: the libsodium vector above (password {@link VECTOR_PASSWORD}); `plain`: unencrypted JSON from `seed`. */
  coldkey?: 'nacl' | 'plain' | 'ansible' | 'legacy' | 'none';
  /** Seed byte of a plain wallet (the 32-byte seed is this byte repeated); default 7. */
  seedByte?: number;
  /** Hotkey files to write under `hotkeys/` (plain keyfiles, as btcli writes them). */
  hotkeys?: string[];
}

const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString('hex')}`;

async function keyfileOf(
  seedByte: number,
): Promise<{ json: string; address: string; publicKey: string }> {
  await cryptoWaitReady();
  const seed = new Uint8Array(32).fill(seedByte);
  const pair = sr25519PairFromSeed(seed);
  const address = encodeAddress(pair.publicKey, 42);
  const json = JSON.stringify({
    accountId: hex(pair.publicKey),
    publicKey: hex(pair.publicKey),
    privateKey: hex(pair.secretKey),
    secretPhrase: null,
    secretSeed: hex(seed),
    ss58Address: address,
  });
  return { json, address, publicKey: hex(pair.publicKey) };
}

/** Writes a btcli-style wallet `<root>/<name>/` (directories 0700, key files 0600). */
export async function writeWallet(
  root: string,
  name: string,
  options: WriteWalletOptions = {},
): Promise<TestWallet> {
  const dir = join(root, name);
  await mkdir(join(dir, 'hotkeys'), { recursive: true, mode: 0o700 });
  const kind = options.coldkey ?? 'plain';
  let address: string;
  let publicKey: string;
  let coldkey: Uint8Array | string | undefined;
  if (kind === 'nacl') {
    address = NACL_VECTOR.address;
    publicKey = NACL_VECTOR.publicKey;
    coldkey = Buffer.from(NACL_VECTOR.coldkeyHex, 'hex');
  } else {
    const made = await keyfileOf(options.seedByte ?? 7);
    address = made.address;
    publicKey = made.publicKey;
    if (kind === 'plain') coldkey = made.json;
    if (kind === 'ansible') coldkey = '$ANSIBLE_VAULT;1.1;AES256\n3132333435363738\n';
    if (kind === 'legacy') coldkey = 'gAAAAABkZ0legacyfernettoken==';
  }
  const pub = JSON.stringify({
    accountId: publicKey,
    publicKey,
    privateKey: null,
    secretPhrase: null,
    secretSeed: null,
    ss58Address: address,
  });
  await writeFile(join(dir, 'coldkeypub.txt'), pub, { mode: 0o600 });
  if (coldkey !== undefined) await writeFile(join(dir, 'coldkey'), coldkey, { mode: 0o600 });
  for (const [i, hotkey] of (options.hotkeys ?? []).entries()) {
    const made = await keyfileOf(100 + i);
    await writeFile(join(dir, 'hotkeys', hotkey), made.json, { mode: 0o600 });
  }
  await chmod(dir, 0o700);
  return { name, dir, address, publicKey };
}
