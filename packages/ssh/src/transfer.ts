import { constants as fsConstants } from 'node:fs';
import { chmod, mkdir, open, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, join, posix, sep } from 'node:path';
import type { SshConnection } from './connection.ts';
import { isLiumSshError, SshAbortError, SshTransferError } from './errors.ts';
import { FlushBehind } from './flush-behind.ts';
import { localTempPath, tempSiblingName, walkLocal } from './local-fs.ts';
import { ProgressTracker, type TransferProgress } from './progress.ts';
import { isMissing, RemoteFs, resolveRemotePath } from './remote-fs.ts';
import { stalePartSweeper } from './stale-parts.ts';

/** How an upload or download runs. */
export interface TransferOptions {
  /** Called with the bytes moved so far while it runs. */
  onProgress?: ((progress: TransferProgress) => void) | undefined;
  /** Stops the transfer; an unfinished file is removed, never left looking complete. */
  signal?: AbortSignal | undefined;
  /** Outstanding SFTP requests per file (default 16). */
  concurrency?: number | undefined;
  /**
   * Bytes per request (default 255 KiB). Capped at what the server accepts (its
   * `limits@openssh.com` answer; 32 KiB for servers that state no limit and are not OpenSSH).
   */
  chunkSize?: number | undefined;
}

/** What a finished upload or download moved. */
export interface TransferResult {
  /** Payload bytes moved. */
  bytes: number;
  /** Destination paths written (absolute remote paths for uploads, local paths for downloads). */
  files: string[];
}

interface FileJob {
  source: string;
  dest: string;
  size: number;
  mode: number;
  atime: number;
  mtime: number;
}

/** OpenSSH's sftp-server largest read/write payload (SFTP_MAX_MSG_LENGTH - 1024). */
const DEFAULT_CHUNK = 255 * 1024;
const DEFAULT_CONCURRENCY = 16;
const FILES_IN_PARALLEL = 4;

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SshAbortError('The transfer was aborted');
}

/**
 * Runs `worker` over `[0, size)` in chunk-sized pieces with `concurrency` pieces in flight. Each
 * worker owns one buffer, so memory is `concurrency × chunk` whatever the file size.
 */
async function parallelChunks(
  size: number,
  chunk: number,
  concurrency: number,
  signal: AbortSignal | undefined,
  work: (buffer: Buffer, offset: number, length: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Math.max(1, Math.min(concurrency, Math.ceil(size / chunk)));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      const buffer = Buffer.allocUnsafe(chunk);
      while (next < size) {
        throwIfAborted(signal);
        const offset = next;
        next += chunk;
        await work(buffer, offset, Math.min(chunk, size - offset));
      }
    }),
  );
}

async function runLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let index = 0;
  let failure: unknown;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (index < items.length && failure === undefined) {
        const item = items[index++] as T;
        try {
          await task(item);
        } catch (error) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
}

function transferError(
  connection: SshConnection,
  error: unknown,
  what: string,
  localPath: string,
  remotePath: string,
) {
  if (isLiumSshError(error)) return error;
  if (!connection.isClosed && isMissing(error)) {
    // Not a flaky transfer: retrying cannot help, the path is wrong.
    const download = what.startsWith('Download');
    return new SshTransferError(
      download
        ? `${what} failed: ${remotePath} does not exist on the pod`
        : `${what} failed: the folder ${posix.dirname(remotePath)} does not exist on the pod`,
      {
        ...connection.target,
        localPath,
        remotePath,
        cause: error,
        hint: download
          ? 'Check the remote path (list the folder on the pod); nothing was copied.'
          : 'Create the folder on the pod first, or upload into one that exists; nothing was copied.',
      },
    );
  }
  const message = connection.isClosed
    ? `${what} failed: the SSH connection was lost`
    : `${what} failed: ${(error as Error)?.message ?? String(error)}`;
  return new SshTransferError(message, {
    ...connection.target,
    localPath,
    remotePath,
    cause: connection.isClosed ? connection.disconnectedError() : error,
    hint: 'Nothing partial was left under the destination name; retry the transfer (an upload also removes the parts a dropped one left).',
  });
}

interface ChunkIo {
  /** Reads up to `length` bytes at `position` into the start of `buffer`; 0 at end of file. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  write(buffer: Buffer, length: number, position: number): Promise<void>;
}

/** Copies `job.size` bytes from `io.read` to `io.write` in parallel positional chunks. */
function copyChunks(
  job: FileJob,
  tracker: ProgressTracker,
  options: TransferOptions,
  verb: string,
  io: ChunkIo,
  serverLimit: number,
): Promise<void> {
  return parallelChunks(
    job.size,
    Math.max(1, Math.min(options.chunkSize ?? DEFAULT_CHUNK, serverLimit)),
    options.concurrency ?? DEFAULT_CONCURRENCY,
    options.signal,
    async (buffer, offset, length) => {
      let filled = 0;
      while (filled < length) {
        const got = await io.read(buffer.subarray(filled), length - filled, offset + filled);
        if (got === 0) throw new Error(`${job.source} shrank while it was being ${verb}`);
        filled += got;
      }
      await io.write(buffer, length, offset);
      tracker.add(length, job.source);
    },
  );
}

/** Uploads one file to a temp name beside `job.dest`, then renames it into place. */
async function uploadFile(
  remote: RemoteFs,
  job: FileJob,
  tracker: ProgressTracker,
  options: TransferOptions,
): Promise<void> {
  const temp = posix.join(posix.dirname(job.dest), tempSiblingName(posix.basename(job.dest)));
  const local = await open(job.source, 'r');
  let handle: Buffer | undefined;
  try {
    handle = await remote.open(temp, 'w', { mode: 0o600 });
    const remoteHandle = handle;
    // Parts of this destination that dead uploads left (their connection dropped before they
    // could delete them) go before we write ours, so a retry frees the disk they hold.
    await stalePartSweeper(remote).sweep(job.dest, temp, remoteHandle);
    await copyChunks(
      job,
      tracker,
      options,
      'uploaded',
      {
        read: async (buffer, length, position) =>
          (await local.read(buffer, 0, length, position)).bytesRead,
        write: (buffer, length, position) => remote.write(remoteHandle, buffer, length, position),
      },
      remote.requestLimits().write,
    );
    await remote.fsetstat(remoteHandle, { mode: job.mode, atime: job.atime, mtime: job.mtime });
    handle = undefined;
    await remote.close(remoteHandle);
    const written = await remote.stat(temp);
    if (written.size !== job.size) {
      throw new Error(`size mismatch after upload (${written.size} of ${job.size} bytes)`);
    }
    throwIfAborted(options.signal);
    await remote.replace(temp, job.dest);
  } catch (error) {
    if (handle) await remote.close(handle).catch(() => undefined);
    await remote.unlinkQuietly(temp);
    throw error;
  } finally {
    await local.close();
  }
}

/** Downloads one file to a temp file beside `job.dest`, then renames it into place. */
async function downloadFile(
  remote: RemoteFs,
  job: FileJob,
  tracker: ProgressTracker,
  options: TransferOptions,
): Promise<void> {
  const temp = localTempPath(job.dest);
  const handle = await remote.open(job.source, 'r');
  let local: Awaited<ReturnType<typeof open>> | undefined;
  let flush: FlushBehind | undefined;
  try {
    local = await open(
      temp,
      fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL,
      0o600,
    );
    const file = local;
    const flusher = new FlushBehind(file);
    flush = flusher;
    await copyChunks(
      job,
      tracker,
      options,
      'downloaded',
      {
        read: (buffer, length, position) => remote.read(handle, buffer, length, position),
        write: async (buffer, length, position) => {
          await file.write(buffer, 0, length, position);
          flusher.wrote(length);
        },
      },
      remote.requestLimits().read,
    );
    // Durable before the rename: most of it already reached the disk while it was written.
    await flusher.finish();
    await file.close();
    local = undefined;
    const written = await stat(temp);
    if (written.size !== job.size) {
      throw new Error(`size mismatch after download (${written.size} of ${job.size} bytes)`);
    }
    await chmod(temp, job.mode);
    await utimes(temp, job.atime, job.mtime);
    throwIfAborted(options.signal);
    await rename(temp, job.dest);
  } catch (error) {
    await flush?.settle();
    await local?.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  } finally {
    await remote.close(handle).catch(() => undefined);
  }
}

/** Opens an SFTP session (holding a channel slot) for the duration of `task`. */
export function withSftp<T>(
  connection: SshConnection,
  signal: AbortSignal | undefined,
  task: (remote: RemoteFs, home: string) => Promise<T>,
): Promise<T> {
  return connection.withChannel(async () => {
    const remote = new RemoteFs(await connection.sftp(), () =>
      connection.isClosed
        ? connection.disconnectedError()
        : new Error('The SFTP session was closed'),
    );
    // A dropped connection closes the channel, which fails every pending SFTP request.
    void connection.closed.then(() => remote.abandon());
    try {
      return await task(remote, await connection.home(() => remote.realpath('.')));
    } finally {
      remote.end();
    }
  }, signal);
}

/**
 * Uploads a file or a directory tree (scp -r semantics: into `remotePath` when it is an existing
 * directory or ends with `/`, else to `remotePath` itself). Modes and mtimes are kept.
 */
export async function upload(
  connection: SshConnection,
  localPath: string,
  remotePath: string,
  options: TransferOptions = {},
): Promise<TransferResult> {
  throwIfAborted(options.signal);
  return withSftp(connection, options.signal, async (remote, home) => {
    try {
      const source = await stat(localPath);
      let dest = resolveRemotePath(home, remotePath);
      const existing = await remote.statOrUndefined(dest);
      if (existing?.isDirectory() || remotePath.endsWith('/')) {
        dest = posix.join(dest, basename(localPath));
      }
      const jobs: FileJob[] = [];
      const dirs: FileJob[] = [];
      const job = (src: string, dst: string, size: number, mode: number, mtime: number) => ({
        source: src,
        dest: dst,
        size,
        mode,
        atime: mtime,
        mtime,
      });
      if (source.isDirectory()) {
        dirs.push(job(localPath, dest, 0, source.mode & 0o7777, Math.floor(source.mtimeMs / 1000)));
        for (const entry of await walkLocal(localPath)) {
          const src = join(localPath, ...entry.relative.split('/'));
          const dst = posix.join(dest, entry.relative);
          if (entry.type === 'dir') dirs.push(job(src, dst, 0, entry.mode, entry.mtime));
          if (entry.type === 'file') jobs.push(job(src, dst, entry.size, entry.mode, entry.mtime));
        }
      } else {
        jobs.push(
          job(
            localPath,
            dest,
            source.size,
            source.mode & 0o7777,
            Math.floor(source.mtimeMs / 1000),
          ),
        );
      }
      if (dirs.length === 0) await remote.mkdirp(posix.dirname(dest));
      for (const dir of dirs) await remote.mkdirp(dir.dest, 0o700);
      const tracker = new ProgressTracker(
        jobs.reduce((sum, item) => sum + item.size, 0),
        options.onProgress,
      );
      await runLimited(jobs, FILES_IN_PARALLEL, (item) =>
        uploadFile(remote, item, tracker, options),
      );
      // Directory times last: creating their files changed them.
      for (const dir of dirs.reverse()) {
        await remote.setstat(dir.dest, { mode: dir.mode, atime: dir.mtime, mtime: dir.mtime });
      }
      tracker.emit();
      return { bytes: tracker.bytes, files: jobs.map((item) => item.dest) };
    } catch (error) {
      throw transferError(connection, error, `Upload of ${localPath}`, localPath, remotePath);
    }
  });
}

/** Downloads a file or a directory tree; the mirror image of `upload`. */
export async function download(
  connection: SshConnection,
  remotePath: string,
  localPath: string,
  options: TransferOptions = {},
): Promise<TransferResult> {
  throwIfAborted(options.signal);
  return withSftp(connection, options.signal, async (remote, home) => {
    try {
      const source = resolveRemotePath(home, remotePath);
      const sourceStats = await remote.stat(source);
      let dest = localPath;
      const existing = await stat(dest).catch(() => undefined);
      if (existing?.isDirectory() || localPath.endsWith(sep) || localPath.endsWith('/')) {
        dest = join(dest, posix.basename(source));
      }
      const jobs: FileJob[] = [];
      const dirs: FileJob[] = [];
      const job = (
        src: string,
        dst: string,
        size: number,
        mode: number,
        atime: number,
        mtime: number,
      ) => ({
        source: src,
        dest: dst,
        size,
        mode,
        atime,
        mtime,
      });
      if (sourceStats.isDirectory()) {
        dirs.push(
          job(source, dest, 0, sourceStats.mode & 0o7777, sourceStats.atime, sourceStats.mtime),
        );
        for (const entry of await remote.walk(source)) {
          const src = posix.join(source, entry.relative);
          const dst = join(dest, ...entry.relative.split('/'));
          if (entry.type === 'dir')
            dirs.push(job(src, dst, 0, entry.mode, entry.mtime, entry.mtime));
          if (entry.type === 'file') {
            jobs.push(job(src, dst, entry.size, entry.mode, entry.mtime, entry.mtime));
          }
        }
      } else {
        jobs.push(
          job(
            source,
            dest,
            sourceStats.size,
            sourceStats.mode & 0o7777,
            sourceStats.atime,
            sourceStats.mtime,
          ),
        );
      }
      if (dirs.length === 0) await mkdir(join(dest, '..'), { recursive: true });
      for (const dir of dirs) await mkdir(dir.dest, { recursive: true, mode: 0o700 });
      const tracker = new ProgressTracker(
        jobs.reduce((sum, item) => sum + item.size, 0),
        options.onProgress,
      );
      await runLimited(jobs, FILES_IN_PARALLEL, (item) =>
        downloadFile(remote, item, tracker, options),
      );
      for (const dir of dirs.reverse()) {
        await chmod(dir.dest, dir.mode);
        await utimes(dir.dest, dir.atime, dir.mtime);
      }
      tracker.emit();
      return { bytes: tracker.bytes, files: jobs.map((item) => item.dest) };
    } catch (error) {
      throw transferError(connection, error, `Download of ${remotePath}`, localPath, remotePath);
    }
  });
}

export { downloadFile, type FileJob, uploadFile };
