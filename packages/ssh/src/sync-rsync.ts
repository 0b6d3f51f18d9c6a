import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { onAbort } from './abort-relay.ts';
import { localRsyncVersion, rsyncVersionUsable } from './binaries.ts';
import type { SshConnection } from './connection.ts';
import { SshAbortError, SshTransferError } from './errors.ts';
import { resolveRemotePath } from './remote-fs.ts';
import { openRsyncBridge, rsyncWord } from './rsync-bridge.ts';
import { shQuote } from './shell-quote.ts';
import { remoteRelative, type SyncOptions, type SyncResult } from './sync-types.ts';
import type { SshTarget } from './target.ts';
import { withSftp } from './transfer.ts';

const OUT_PREFIX = 'lium>';
const PROGRESS = /^\s*([\d,]+)\s+(\d+)%\s+([\d.]+)([kMGT]?B)\/s\s/;
const UNITS: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };

/** Whether a usable `rsync` (3.1 or newer) runs here (cached for the process). */
export async function hasLocalRsync(): Promise<boolean> {
  return rsyncVersionUsable(await localRsyncVersion());
}

/** Per connection: whether the pod has rsync, once a sync has found out. */
const remoteRsync = new WeakMap<SshConnection, boolean>();

/** Whether the pod has `rsync`, if a sync on this connection already found out. */
export function knownRemoteRsync(connection: SshConnection): boolean | undefined {
  return remoteRsync.get(connection);
}

const NO_RSYNC_MARK = 'lium: rsync is not installed on the pod';
const remoteRsyncMissingErrors = new WeakSet<object>();

/** The error for a pod without rsync (the auto method falls back to SFTP on it). */
export function remoteRsyncMissingError(target: SshTarget): SshTransferError {
  const error = new SshTransferError('rsync is not installed on the pod', {
    ...target,
    hint: 'Install it on the pod (apt-get install -y rsync) or use method "sftp".',
  });
  remoteRsyncMissingErrors.add(error);
  return error;
}

export function isRemoteRsyncMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && remoteRsyncMissingErrors.has(error);
}

/** OpenSSH's `ssh` as rsync's remote shell. */
export interface SystemSshShell {
  /** argv after `ssh`, without the destination (rsync appends `-l user host command`). */
  args: string[];
  /** Environment for it beyond ours (the agent socket). */
  env: Record<string, string>;
}

/** How a sync reaches the pod. */
export interface RsyncLink {
  target: SshTarget;
  /** The pooled ssh2 connection, opened on first use (a down sync asks it what the source is). */
  connection(): Promise<SshConnection>;
  /** When set, rsync runs `ssh` with these; the pooled connection is the fallback. */
  systemSsh?: SystemSshShell | undefined;
}

/**
 * rsync's `--rsync-path`: the same remote command that starts rsync also reports a missing rsync
 * and creates the destination directory, instead of one exec round trip for each beforehand.
 */
export function remoteRsyncPath(mkdirDir: string | undefined): string {
  const check = `command -v rsync >/dev/null 2>&1 || { echo '${NO_RSYNC_MARK}' >&2; exit 127; }`;
  return mkdirDir === undefined
    ? `${check}; rsync`
    : `${check}; mkdir -p -- ${shQuote(mkdirDir)} && rsync`;
}

/** `user@host:path` (rsync syntax; an IPv6 host in brackets). */
function remoteSpec(target: SshTarget, path: string): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:${path}`;
}

/** Source/dest in rsync syntax; a directory source gets a trailing `/` (sync its contents). */
async function endpoints(
  link: RsyncLink,
  options: SyncOptions,
): Promise<{ source: string; dest: string; sourceIsDir: boolean }> {
  if (options.direction === 'up') {
    const sourceIsDir = (await stat(options.source)).isDirectory();
    const source =
      sourceIsDir && !options.source.endsWith('/') ? `${options.source}/` : options.source;
    return { source, dest: remoteSpec(link.target, remoteRelative(options.dest)), sourceIsDir };
  }
  const connection = await link.connection();
  const sourceIsDir = await withSftp(connection, options.signal, async (remote, home) => {
    const stats = await remote.statOrUndefined(resolveRemotePath(home, options.source));
    if (!stats) {
      throw new SshTransferError(`The sync source ${options.source} does not exist on the pod`, {
        ...connection.target,
        remotePath: options.source,
        hint: 'Remote paths are relative to the home directory unless absolute.',
      });
    }
    return stats.isDirectory();
  });
  const path = remoteRelative(options.source);
  const source = remoteSpec(link.target, sourceIsDir && !path.endsWith('/') ? `${path}/` : path);
  return { source, dest: options.dest, sourceIsDir };
}

export function rsyncArgs(
  options: SyncOptions,
  remoteShell: string,
  source: string,
  dest: string,
  rsyncPath?: string,
) {
  const args = ['-a', '-8', `--out-format=${OUT_PREFIX}%i|%b|%n`];
  // Progress lines only for someone who reads them: on 10 000 small files they are half of
  // rsync's output (1.1 MB, 20 000 lines) and half of the parsing here.
  if (options.onProgress) args.push('--info=progress2');
  args.push('-e', remoteShell);
  if (rsyncPath !== undefined) args.push(`--rsync-path=${rsyncPath}`);
  if (options.compress) args.push('-z');
  if (options.delete) args.push('--delete');
  if (options.dryRun) args.push('--dry-run');
  if (options.checksum) args.push('--checksum');
  for (const pattern of options.exclude ?? []) args.push(`--exclude=${pattern}`);
  args.push('--', source, dest);
  return args;
}

/** Parses one line of rsync's stdout into the result (itemized files) and progress. */
export function parseRsyncLine(
  line: string,
  result: SyncResult,
): { bytes: number; percent: number; rate: number } | undefined {
  if (line.startsWith(OUT_PREFIX)) {
    const [item = '', bytes = '0', ...nameParts] = line.slice(OUT_PREFIX.length).split('|');
    const name = nameParts.join('|').replace(/\/$/, '');
    if (item.startsWith('*deleting')) result.deleted.push(name);
    else if (/^[<>]f/.test(item)) {
      result.transferred.push(name);
      result.bytes += Number(bytes) || 0;
    }
    return undefined;
  }
  const match = PROGRESS.exec(line);
  if (!match) return undefined;
  return {
    bytes: Number((match[1] ?? '0').replaceAll(',', '')),
    percent: Number(match[2]),
    rate: Math.round(Number(match[3]) * (UNITS[match[4] ?? 'B'] ?? 1)),
  };
}

/** The `-e` value for OpenSSH's ssh (rsync splits it on spaces, honouring quotes). */
export function systemSshShellCommand(shell: SystemSshShell): string {
  return ['ssh', ...shell.args].map(rsyncWord).join(' ');
}

/** rsync could not start its remote end: the transport never delivered a byte (exit 12). */
const NEVER_CONNECTED = /connection unexpectedly closed \(0 bytes received so far\)/;

interface RsyncRun {
  code: number | null;
  /** rsync's own stderr, which also carries the remote shell's and the remote rsync's. */
  stderr: string;
}

/** Spawns rsync with `remoteShell` as `-e`, feeding its itemized output into `result`. */
async function runRsync(
  options: SyncOptions,
  args: string[],
  env: Record<string, string>,
  result: SyncResult,
): Promise<RsyncRun> {
  const child = spawn('rsync', args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let pending = '';
  let lastFile = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    const lines = (pending + text).split(/[\r\n]/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const before = result.transferred.length;
      const progress = parseRsyncLine(line, result);
      if (result.transferred.length > before) lastFile = result.transferred.at(-1) ?? lastFile;
      if (progress && options.onProgress) {
        const total =
          progress.percent > 0 ? Math.round((progress.bytes * 100) / progress.percent) : 0;
        options.onProgress({ bytes: progress.bytes, total, rate: progress.rate, file: lastFile });
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8192);
  });
  const unsubscribeAbort = onAbort(options.signal, () => child.kill('SIGTERM'));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode));
  }).finally(unsubscribeAbort);
  if (pending) parseRsyncLine(pending, result);
  return { code, stderr };
}

/**
 * Runs the real rsync. Its `-e` is OpenSSH's `ssh` with the pool's key and pin when the link
 * offers one (the same data path as `rsync -e ssh`); otherwise, or when that `ssh` cannot reach
 * the pod, the package's transport script, which tunnels through the pooled connection (no
 * OpenSSH client, no second handshake, no secrets in argv).
 */
export async function syncWithRsync(link: RsyncLink, options: SyncOptions): Promise<SyncResult> {
  if (options.signal?.aborted) throw new SshAbortError('The sync was aborted');
  const { source, dest, sourceIsDir } = await endpoints(link, options);
  let remoteDir: string | undefined;
  if (!options.dryRun) {
    if (options.direction === 'up') {
      remoteDir = sourceIsDir
        ? remoteRelative(options.dest)
        : dirname(remoteRelative(options.dest));
    } else {
      await mkdir(sourceIsDir ? options.dest : dirname(options.dest), { recursive: true });
    }
  }
  const rsyncPath = remoteRsyncPath(remoteDir);
  if (link.systemSsh) {
    const result: SyncResult = { method: 'rsync', transferred: [], deleted: [], bytes: 0 };
    const shell = systemSshShellCommand(link.systemSsh);
    const args = rsyncArgs(options, shell, source, dest, rsyncPath);
    const run = await runRsync(options, args, link.systemSsh.env, result);
    // ssh could not log in (no route, a key it cannot use, a pin it refuses): nothing ran on the
    // pod, so the pooled connection gets its turn, and reports a failure as it would.
    const unreachable =
      run.code !== 0 &&
      NEVER_CONNECTED.test(run.stderr) &&
      !run.stderr.includes(NO_RSYNC_MARK) &&
      !options.signal?.aborted;
    if (!unreachable) return finishRsync(link.target, options, run, run.stderr, result);
  }
  const connection = await link.connection();
  const bridge = await openRsyncBridge(connection);
  try {
    const result: SyncResult = { method: 'rsync', transferred: [], deleted: [], bytes: 0 };
    const args = rsyncArgs(options, bridge.remoteShell, source, dest, rsyncPath);
    const run = await runRsync(options, args, bridge.env, result);
    remoteRsync.set(connection, !bridge.stderr().includes(NO_RSYNC_MARK) || run.code === 0);
    return finishRsync(link.target, options, run, `${run.stderr}\n${bridge.stderr()}`, result);
  } finally {
    await bridge.close();
  }
}

/** The result of a finished rsync, or the error its exit code means. */
function finishRsync(
  target: SshTarget,
  options: SyncOptions,
  run: RsyncRun,
  remoteStderr: string,
  result: SyncResult,
): SyncResult {
  if (options.signal?.aborted) throw new SshAbortError('The sync was aborted');
  if (run.code !== 0 && remoteStderr.includes(NO_RSYNC_MARK)) {
    throw remoteRsyncMissingError(target);
  }
  // 24: some source files vanished while rsync ran; the rest was synced.
  if (run.code !== 0 && run.code !== 24) {
    const detail = (run.stderr || remoteStderr).trim().split('\n').slice(-3).join(' / ');
    throw new SshTransferError(`rsync failed with exit code ${run.code}: ${detail}`, {
      ...target,
      localPath: options.direction === 'up' ? options.source : options.dest,
      remotePath: options.direction === 'up' ? options.dest : options.source,
      hint: 'Check the paths and free space on both ends; method "sftp" avoids rsync entirely.',
    });
  }
  return result;
}
