import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, rm, rmdir, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { SshConnection } from './connection.ts';
import { SshAbortError, SshTransferError } from './errors.ts';
import { excludeMatcher } from './exclude.ts';
import { runExec } from './exec.ts';
import { type LocalEntry, walkLocal } from './local-fs.ts';
import { ProgressTracker } from './progress.ts';
import { type RemoteEntry, type RemoteFs, resolveRemotePath } from './remote-fs.ts';
import type { SyncOptions, SyncResult } from './sync-types.ts';
import { downloadFile, type FileJob, uploadFile, withSftp } from './transfer.ts';

type Entry = LocalEntry | RemoteEntry;

interface Tree {
  root: string;
  entries: Map<string, Entry>;
  join(relative: string): string;
}

async function sha256Local(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sha256Remote(remote: RemoteFs, path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of remote.sftp.createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Remote sha256 of many files: `sha256sum` in one exec when the pod has it, else read over SFTP. */
async function remoteHashes(
  connection: SshConnection,
  remote: RemoteFs,
  paths: string[],
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (paths.length === 0) return hashes;
  const result = await connection
    .withChannel(() =>
      runExec(connection, 'xargs -0 sha256sum --', { stdin: `${paths.join('\0')}\0` }),
    )
    .catch(() => undefined);
  if (result?.exitCode === 0) {
    for (const line of result.stdout.split('\n')) {
      const match = /^([0-9a-f]{64}) [ *](.*)$/.exec(line);
      if (match?.[1] && match[2] !== undefined) hashes.set(match[2], match[1]);
    }
  }
  for (const path of paths) {
    if (!hashes.has(path)) hashes.set(path, await sha256Remote(remote, path));
  }
  return hashes;
}

/**
 * The sync for pods (or hosts) without rsync: compares size and mtime (or checksums), copies
 * what differs with the atomic SFTP transfer, and honours delete, exclude and dry-run.
 * Symlinks and special files are skipped.
 */
export async function syncWithSftp(
  connection: SshConnection,
  options: SyncOptions,
): Promise<SyncResult> {
  const excluded = excludeMatcher(options.exclude);
  const up = options.direction === 'up';
  const result: SyncResult = { method: 'sftp', transferred: [], deleted: [], bytes: 0 };
  const throwIfAborted = () => {
    if (options.signal?.aborted) throw new SshAbortError('The sync was aborted');
  };
  throwIfAborted();

  return withSftp(connection, options.signal, async (remote, home) => {
    const remoteRoot = resolveRemotePath(home, up ? options.dest : options.source);
    const localRoot = up ? options.source : options.dest;
    const localTree = async (): Promise<Tree> => {
      const exists = await stat(localRoot).catch(() => undefined);
      const entries = exists?.isDirectory() ? await walkLocal(localRoot) : [];
      return {
        root: localRoot,
        entries: new Map(entries.map((entry) => [entry.relative, entry])),
        join: (relative) => join(localRoot, ...relative.split('/')),
      };
    };
    const remoteTree = async (): Promise<Tree> => {
      const exists = await remote.statOrUndefined(remoteRoot);
      const entries = exists?.isDirectory() ? await remote.walk(remoteRoot) : [];
      return {
        root: remoteRoot,
        entries: new Map(entries.map((entry) => [entry.relative, entry])),
        join: (relative) => posix.join(remoteRoot, relative),
      };
    };
    const sourcePath = up ? localRoot : remoteRoot;
    const sourceStats = await (up ? stat(localRoot) : remote.stat(remoteRoot)).catch(
      (cause: unknown) => {
        throw new SshTransferError(`The sync source ${options.source} does not exist`, {
          ...connection.target,
          cause,
          hint: 'Check the path; remote paths are relative to the home directory unless absolute.',
        });
      },
    );
    let source: Tree;
    let dest: Tree;
    /** The directory that must exist on the destination side before copying. */
    let destDir: string;
    if (sourceStats.isDirectory()) {
      [source, dest] = up
        ? [await localTree(), await remoteTree()]
        : [await remoteTree(), await localTree()];
      destDir = dest.root;
    } else {
      // A single file: a one-entry tree on each side, named after the source.
      const name = up ? basename(sourcePath) : posix.basename(sourcePath);
      const destRoot = up ? remoteRoot : localRoot;
      const destStats = await (up
        ? remote.statOrUndefined(destRoot)
        : stat(destRoot).catch(() => undefined));
      const destPath = destStats?.isDirectory()
        ? up
          ? posix.join(destRoot, name)
          : join(destRoot, name)
        : destRoot;
      const there = await (up
        ? remote.statOrUndefined(destPath)
        : stat(destPath).catch(() => undefined));
      const entryOf = (stats: { size: number; mode: number }, mtime: number): Entry => ({
        relative: name,
        type: 'file',
        size: stats.size,
        mode: stats.mode & 0o7777,
        mtime,
      });
      const mtimeOf = (stats: { mtime: number | Date; mtimeMs?: number }) =>
        typeof stats.mtime === 'number' ? stats.mtime : Math.floor((stats.mtimeMs ?? 0) / 1000);
      source = {
        root: sourcePath,
        entries: new Map([[name, entryOf(sourceStats, mtimeOf(sourceStats))]]),
        join: () => sourcePath,
      };
      dest = {
        root: destPath,
        entries:
          there && !there.isDirectory()
            ? new Map([[name, entryOf(there, mtimeOf(there))]])
            : new Map(),
        join: () => destPath,
      };
      destDir = up ? posix.dirname(destPath) : dirname(destPath);
    }

    const wanted = [...source.entries.values()].filter(
      (entry) =>
        (entry.type === 'file' || entry.type === 'dir') &&
        !excluded(entry.relative, entry.type === 'dir'),
    );
    const wantedNames = new Set(wanted.map((entry) => entry.relative));

    // What to delete: dest entries absent from source, deepest first; excluded ones are protected.
    const toDelete = options.delete
      ? [...dest.entries.values()]
          .filter(
            (entry) =>
              !wantedNames.has(entry.relative) && !excluded(entry.relative, entry.type === 'dir'),
          )
          .sort((a, b) => b.relative.split('/').length - a.relative.split('/').length)
      : [];
    // A dest entry of the wrong type must go before the source entry can take its place.
    const clashes = wanted.filter((entry) => {
      const there = dest.entries.get(entry.relative);
      return there !== undefined && there.type !== entry.type;
    });

    const candidates = wanted.filter((entry) => {
      if (entry.type !== 'file') return false;
      const there = dest.entries.get(entry.relative);
      if (there?.type !== 'file') return true;
      if (there.size !== entry.size) return true;
      return !options.checksum && there.mtime !== entry.mtime;
    });
    if (options.checksum) {
      const sameSize = wanted.filter((entry) => {
        const there = dest.entries.get(entry.relative);
        return entry.type === 'file' && there?.type === 'file' && there.size === entry.size;
      });
      const [localSide, remoteSide] = up ? [source, dest] : [dest, source];
      const remoteSums = await remoteHashes(
        connection,
        remote,
        sameSize.map((entry) => remoteSide.join(entry.relative)),
      );
      for (const entry of sameSize) {
        const localSum = await sha256Local(localSide.join(entry.relative));
        if (remoteSums.get(remoteSide.join(entry.relative)) !== localSum) candidates.push(entry);
      }
    }

    result.deleted = toDelete.map((entry) => entry.relative);
    result.transferred = candidates.map((entry) => entry.relative).sort();
    if (options.dryRun) return result;

    const removeDest = async (entry: Entry) => {
      const path = dest.join(entry.relative);
      if (up) {
        if (entry.type === 'dir') await remote.removeTree(path);
        else await remote.unlink(path);
      } else if (entry.type === 'dir') {
        await rm(path, { recursive: true, force: true });
      } else {
        await rm(path, { force: true });
      }
    };
    for (const entry of clashes) await removeDest(dest.entries.get(entry.relative) as Entry);
    for (const entry of toDelete) {
      throwIfAborted();
      if (up) {
        const path = dest.join(entry.relative);
        if (entry.type === 'dir') await remote.rmdir(path).catch(() => remote.removeTree(path));
        else await remote.unlink(path).catch(() => undefined);
      } else if (entry.type === 'dir') {
        await rmdir(dest.join(entry.relative)).catch(() =>
          rm(dest.join(entry.relative), { recursive: true, force: true }),
        );
      } else {
        await rm(dest.join(entry.relative), { force: true });
      }
    }

    const dirs = wanted.filter((entry) => entry.type === 'dir');
    if (up) await remote.mkdirp(destDir);
    else await mkdir(destDir, { recursive: true });
    for (const dir of dirs) {
      if (up) await remote.mkdirp(dest.join(dir.relative), 0o700);
      else await mkdir(dest.join(dir.relative), { recursive: true, mode: 0o700 });
    }

    const tracker = new ProgressTracker(
      candidates.reduce((sum, entry) => sum + entry.size, 0),
      options.onProgress,
    );
    for (const entry of candidates) {
      throwIfAborted();
      const job: FileJob = {
        source: source.join(entry.relative),
        dest: dest.join(entry.relative),
        size: entry.size,
        mode: entry.mode,
        atime: entry.mtime,
        mtime: entry.mtime,
      };
      if (up) await uploadFile(remote, job, tracker, options);
      else await downloadFile(remote, job, tracker, options);
    }
    for (const dir of dirs.reverse()) {
      const path = dest.join(dir.relative);
      if (up) await remote.setstat(path, { mode: dir.mode, atime: dir.mtime, mtime: dir.mtime });
      else {
        await chmod(path, dir.mode);
        await utimes(path, dir.mtime, dir.mtime);
      }
    }
    tracker.emit();
    result.bytes = tracker.bytes;
    return result;
  });
}
