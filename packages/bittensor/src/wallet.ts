import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LiumWalletError } from './errors.ts';

/** The wallet name btcli uses when none is given. */
export const DEFAULT_WALLET_NAME = 'default';

/** Where to look for a wallet: `<path>/<name>/` (default `~/.bittensor/wallets/default/`). */
export interface WalletLocation {
  /** The wallet's directory name; default `default`. */
  name?: string | undefined;
  /** The directory holding the wallets; default `~/.bittensor/wallets`. `~` is expanded. */
  path?: string | undefined;
  /** Home directory for the default path and `~`; default `os.homedir()`. */
  home?: string | undefined;
}

/** A wallet found on disk: its directory, files, and coldkey address (from `coldkeypub.txt`). */
export interface Wallet {
  name: string;
  /** `<path>/<name>` */
  dir: string;
  /** `<dir>/coldkeypub.txt`: public, read to learn the address. */
  coldkeypubPath: string;
  /** `<dir>/coldkey`: the (usually encrypted) secret key, read only to sign. */
  coldkeyPath: string;
  /** The coldkey's SS58 address. */
  address: string;
  /** The coldkey's public key as 0x-prefixed hex, when `coldkeypub.txt` gives it. */
  publicKey: string | undefined;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SS58 = /^[1-9A-HJ-NP-Za-km-z]{40,60}$/;
const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * Checks a wallet or hotkey name: letters, digits, `_`, `.`, `-`, not starting with a dot, so
 * it can never climb out of the wallets directory. Throws `wallet_name_invalid`.
 */
export function checkWalletName(name: string, what = 'wallet'): string {
  if (!NAME.test(name)) {
    throw new LiumWalletError(`"${name.slice(0, 60)}" is not a valid ${what} name`, {
      code: 'wallet_name_invalid',
      hint: 'Use the name btcli shows (letters, digits, _ . -).',
    });
  }
  return name;
}

/** `~/.bittensor/wallets` under `home`. */
export function defaultWalletsPath(home: string = homedir()): string {
  return join(home, '.bittensor', 'wallets');
}

/** The wallets directory of a location, with `~` expanded. */
export function walletsPathOf(location: WalletLocation = {}): string {
  const home = location.home ?? homedir();
  const path = location.path?.trim();
  if (!path) return defaultWalletsPath(home);
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return resolve(path);
}

/** The directory of the wallet a location names. */
export function walletDirOf(location: WalletLocation = {}): string {
  return join(walletsPathOf(location), checkWalletName(location.name ?? DEFAULT_WALLET_NAME));
}

/**
 * Finds a wallet and reads its address from `coldkeypub.txt` (JSON with `ss58Address` and
 * `publicKey`, as btcli writes it; a bare address is accepted too). Reads nothing secret.
 */
export async function openWallet(location: WalletLocation = {}): Promise<Wallet> {
  const name = checkWalletName(location.name ?? DEFAULT_WALLET_NAME);
  const dir = walletDirOf({ ...location, name });
  const coldkeypubPath = join(dir, 'coldkeypub.txt');
  let text: string;
  try {
    text = await readFile(coldkeypubPath, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LiumWalletError(
      missing
        ? `No wallet "${name}": ${coldkeypubPath} does not exist`
        : `Cannot read ${coldkeypubPath}`,
      {
        code: 'wallet_not_found',
        path: coldkeypubPath,
        hint: missing
          ? 'Create it with `btcli wallet create`, or pass --wallet NAME / --wallet-path DIR.'
          : 'Check the file permissions.',
        cause: error,
      },
    );
  }
  const { address, publicKey } = parseColdkeypub(text, coldkeypubPath);
  return { name, dir, coldkeypubPath, coldkeyPath: join(dir, 'coldkey'), address, publicKey };
}

function parseColdkeypub(
  text: string,
  path: string,
): { address: string; publicKey: string | undefined } {
  const trimmed = text.trim();
  if (SS58.test(trimmed)) return { address: trimmed, publicKey: undefined };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    data = undefined;
  }
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const address = record.ss58Address;
  const publicKey = record.publicKey ?? record.accountId;
  if (typeof address !== 'string' || !SS58.test(address)) {
    throw new LiumWalletError(`${path} has no ss58Address`, {
      code: 'wallet_invalid',
      path,
      hint: 'Regenerate it with `btcli wallet regen-coldkeypub`.',
    });
  }
  return {
    address,
    publicKey:
      typeof publicKey === 'string' && HEX32.test(publicKey) ? publicKey.toLowerCase() : undefined,
  };
}

/** The public files `lium scp --coldkey` (and `--hotkey`) copies, by their path relative to the wallets directory. */
export interface WalletPublicFile {
  /** Absolute local path. */
  local: string;
  /** Path relative to the wallets directory, e.g. `miner/hotkeys/default`. */
  relative: string;
}

/**
 * The files that make a wallet usable on a miner or validator without its coldkey secret:
 * `<name>/coldkeypub.txt` and, with `hotkey`, `<name>/hotkeys/<hotkey>`. The encrypted
 * `coldkey` file is never among them. Names are checked; files are not read.
 */
export function walletPublicFiles(
  location: WalletLocation & { hotkey?: string | undefined },
): WalletPublicFile[] {
  const name = checkWalletName(location.name ?? DEFAULT_WALLET_NAME);
  const root = walletsPathOf(location);
  const files: WalletPublicFile[] = [
    { local: join(root, name, 'coldkeypub.txt'), relative: `${name}/coldkeypub.txt` },
  ];
  if (location.hotkey !== undefined) {
    const hotkey = checkWalletName(location.hotkey, 'hotkey');
    files.push({
      local: join(root, name, 'hotkeys', hotkey),
      relative: `${name}/hotkeys/${hotkey}`,
    });
  }
  return files;
}
