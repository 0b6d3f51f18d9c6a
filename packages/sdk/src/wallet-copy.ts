/**
 * Copying a Bittensor wallet's public parts to pods (`lium scp TARGETS --coldkey NAME
 * [--hotkey NAME]`): `coldkeypub.txt` and optionally `hotkeys/<HOTKEY>`, into the same place
 * under the pod's `~/.bittensor/wallets/`, directories 0700 and files 0600. The encrypted
 * `coldkey` is never read or sent. File contents travel over the SSH channel's stdin, never in
 * a command line.
 */
import { readFile } from 'node:fs/promises';
import { LiumError } from '@lium/errors';
import type { Lium } from './lium.ts';
import type { PodInfo } from './models.ts';

/** Which wallet files to copy, and from where. */
export interface WalletCopyOptions {
  /** The wallet (coldkey) name: `~/.bittensor/wallets/<coldkey>/`. */
  coldkey: string;
  /** Also copy `hotkeys/<hotkey>`. */
  hotkey?: string | undefined;
  /** The local wallets directory; default `~/.bittensor/wallets`. */
  walletPath?: string | undefined;
  /** Home directory for the default path and `~`. */
  home?: string | undefined;
  /** Aborts the copy; the error has code `aborted`. */
  signal?: AbortSignal | undefined;
}

/** One file copied to one pod. */
export interface CopiedWalletFile {
  /** The local file copied. */
  local: string;
  /** Where it is on the pod (absolute, `$HOME` expanded there). */
  remote: string;
  /** Its size in bytes. */
  bytes: number;
}

/** One pod's outcome: its files, or why it failed (other pods go on). */
export type WalletCopyOutcome =
  | {
      /** The pod. */
      pod: PodInfo;
      /** Every file copied to it. */
      files: CopiedWalletFile[];
      /** Absent: the copy succeeded. */
      error?: undefined;
    }
  | {
      /** The pod. */
      pod: PodInfo;
      /** Why the copy to this pod failed (the other pods go on). */
      error: unknown;
      /** Absent: the copy failed. */
      files?: undefined;
    };

const shellDouble = (text: string): string => text.replace(/["\\$`]/g, '\\$&');

/**
 * Reads the wallet's public files (a missing one throws `wallet_not_found` naming its path,
 * before any pod is contacted), then writes them to every pod in parallel.
 */
export async function copyWalletToPods(
  lium: Lium,
  pods: readonly PodInfo[],
  options: WalletCopyOptions,
): Promise<WalletCopyOutcome[]> {
  const bt = await import('@lium/bittensor');
  const files = bt.walletPublicFiles({
    name: options.coldkey,
    hotkey: options.hotkey,
    path: options.walletPath,
    home: options.home,
  });
  const contents = await Promise.all(
    files.map(async (file) => {
      try {
        return await readFile(file.local);
      } catch (error) {
        throw new bt.LiumWalletError(`${file.local} does not exist`, {
          code: 'wallet_not_found',
          path: file.local,
          hint: file.relative.includes('/hotkeys/')
            ? 'Check the --hotkey name (`btcli wallet list`).'
            : 'Check the --coldkey name (`btcli wallet list`) or --wallet-path.',
          cause: error,
        });
      }
    }),
  );
  return Promise.all(
    pods.map(async (pod): Promise<WalletCopyOutcome> => {
      try {
        const copied: CopiedWalletFile[] = [];
        for (const [i, file] of files.entries()) {
          const data = contents[i] as Buffer;
          const parts = file.relative.split('/');
          const name = parts.pop() as string;
          // Every directory from ~/.bittensor down is made private, as btcli makes them.
          const dirs = ['.bittensor', '.bittensor/wallets'];
          for (let depth = 1; depth <= parts.length; depth++) {
            dirs.push(`.bittensor/wallets/${parts.slice(0, depth).join('/')}`);
          }
          const dir = `$HOME/${shellDouble(dirs.at(-1) as string)}`;
          const script = [
            'set -e',
            'umask 077',
            `mkdir -p "${dir}"`,
            `chmod 700 ${dirs.map((d) => `"$HOME/${shellDouble(d)}"`).join(' ')}`,
            `cat > "${dir}/.${shellDouble(name)}.lium-tmp"`,
            `chmod 600 "${dir}/.${shellDouble(name)}.lium-tmp"`,
            `mv -f "${dir}/.${shellDouble(name)}.lium-tmp" "${dir}/${shellDouble(name)}"`,
            `printf '%s\\n' "${dir}/${shellDouble(name)}"`,
          ].join('\n');
          const result = await lium.executeCommand(pod, script, {
            stdin: data,
            ...{ signal: options.signal },
          });
          if (result.exitCode !== 0) {
            throw new LiumError(
              `Could not write ${file.relative} on ${pod.huid}: ${result.stderr.trim().split('\n').at(-1) || `exit ${result.exitCode}`}`,
              {
                code: 'wallet_copy_failed',
                hint: 'Check the pod has space and a writable home directory.',
              },
            );
          }
          copied.push({ local: file.local, remote: result.stdout.trim(), bytes: data.length });
        }
        return { pod, files: copied };
      } catch (error) {
        return { pod, error };
      }
    }),
  );
}
