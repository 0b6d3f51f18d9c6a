import { constants as fsConstants, readSync, type Stats, type StatsFs, writeSync } from 'node:fs';
import {
  chmod,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  rename,
  rmdir,
  stat,
  statfs,
  symlink,
  truncate,
  unlink,
  utimes,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { Attributes, FileEntry, InputAttributes, SFTPWrapper } from 'ssh2';
import ssh2 from '../ssh2.ts';
import { longName } from './long-name.ts';
import { type PodFs, PodFsError, type ResolvedPath } from './pod-fs.ts';
import {
  announceExtensions,
  DATA_HEADER,
  sendData,
  sendExitStatus,
  sendExtendedReply,
  uint64s,
} from './wire.ts';

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;

/** OpenSSH's SFTP_MAX_MSG_LENGTH: the largest packet either side may send. */
const MAX_PACKET = 256 * 1024;
/** Largest READ answered and WRITE accepted at once, as OpenSSH's sftp-server. */
const MAX_READ = MAX_PACKET - 1024;
const MAX_OPEN_HANDLES = 1024;

/**
 * The extensions OpenSSH 9's sftp-server announces that this server implements. Clients only
 * use what is announced: `limits@openssh.com` is what makes OpenSSH's clients and ours send
 * 255 KiB requests instead of 32 KiB ones.
 */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'posix-rename@openssh.com': '1',
  'statvfs@openssh.com': '2',
  'fstatvfs@openssh.com': '2',
  'hardlink@openssh.com': '1',
  'fsync@openssh.com': '1',
  'limits@openssh.com': '1',
  'expand-path@openssh.com': '1',
};
const READDIR_BATCH = 128;

type Handle =
  | { kind: 'file'; file: FileHandle; path: ResolvedPath }
  | { kind: 'dir'; path: ResolvedPath; entries: FileEntry[] | undefined };

/**
 * An SFTP v3 server over a pod's filesystem view. Operations run on the host with the
 * emulator's privileges; the view (PodFs) decides what a path means and what may change.
 */
export function serveSftp(sftp: SFTPWrapper, fs: PodFs, onLog: (line: string) => void): void {
  announceExtensions(sftp, EXTENSIONS);
  const handles = new Map<number, Handle>();
  let nextHandle = 1;

  const newHandle = (handle: Handle): Buffer => {
    const id = nextHandle++;
    handles.set(id, handle);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id);
    return buf;
  };
  const getHandle = (buf: Buffer): [number, Handle] => {
    const id = buf.length === 4 ? buf.readUInt32BE() : -1;
    const handle = handles.get(id);
    if (!handle) throw new PodFsError('failure', 'Invalid handle');
    return [id, handle];
  };
  const fileOf = (buf: Buffer): FileHandle => {
    const [, handle] = getHandle(buf);
    if (handle.kind !== 'file') throw new PodFsError('failure', 'Not a file handle');
    return handle.file;
  };
  const writable = (path: ResolvedPath): ResolvedPath => {
    if (!path.writable) throw new PodFsError('permission_denied', `${path.podPath} is read-only`);
    return path;
  };
  const follow = (p: string) => fs.resolve(p, { followFinal: true });
  const noFollow = (p: string) => fs.resolve(p, { followFinal: false });

  /**
   * Runs one request; any error becomes the matching SFTP status. Requests run one at a time,
   * in the order they arrived, and are answered in that order, as OpenSSH's sftp-server does.
   * Clients depend on it: OpenSSH `scp` (SFTP mode) writes in place and then truncates the file
   * to the highest *contiguously* acknowledged offset, so WRITEs answered out of order made it
   * cut uploads short and still exit 0. READ and WRITE are synchronous (page-cache copies of at
   * most 256 KiB, as sftp-server does them): a thread-pool round trip per 32 KiB request made
   * the server latency-bound at a fifth of sshd's speed.
   */
  let inFlight = 0;
  let peerDone = false;
  let busy = false;
  const pending: [number, () => void | Promise<void>][] = [];
  const closeWhenIdle = (): void => {
    if (!peerDone || inFlight > 0) return;
    sendExitStatus(sftp, 0);
    sftp.end();
  };
  const fail = (reqid: number, err: unknown): void => {
    const [code, message] = statusFor(err);
    if (code === STATUS_CODE.FAILURE) onLog(`sftp: ${message}`);
    sftp.status(reqid, code, message);
  };
  const drain = (): void => {
    while (!busy) {
      const next = pending.shift();
      if (!next) break;
      const [reqid, work] = next;
      let result: void | Promise<void>;
      try {
        result = work();
      } catch (err) {
        fail(reqid, err);
        inFlight -= 1;
        continue;
      }
      if (result instanceof Promise) {
        busy = true;
        void result
          .catch((err: unknown) => fail(reqid, err))
          .finally(() => {
            busy = false;
            inFlight -= 1;
            drain();
          });
        return;
      }
      inFlight -= 1;
    }
    if (!busy) closeWhenIdle();
  };
  const run = (reqid: number, work: () => void | Promise<void>): void => {
    inFlight += 1;
    pending.push([reqid, work]);
    if (!busy) drain();
  };
  // The client's EOF ends the session once every answer is out (as sftp-server exits).
  sftp.on('end', () => {
    peerDone = true;
    closeWhenIdle();
  });
  const ok = (reqid: number) => sftp.status(reqid, STATUS_CODE.OK);

  sftp.on('OPEN', (reqid, filename, flags, attrs) =>
    run(reqid, async () => {
      const wantsWrite = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT)) !== 0;
      const path = await follow(filename);
      if (wantsWrite) writable(path);
      const file = await open(
        path.hostPath,
        openFlags(flags),
        Number(attrs.mode ?? 0o644) & 0o7777,
      );
      sftp.handle(reqid, newHandle({ kind: 'file', file, path }));
    }),
  );
  sftp.on('READ', (reqid, handle, offset, length) =>
    run(reqid, () => {
      const { fd } = fileOf(handle);
      const wanted = Math.min(length, MAX_READ);
      const packet = Buffer.allocUnsafe(DATA_HEADER + wanted);
      const bytesRead = readSync(fd, packet, DATA_HEADER, wanted, offset);
      if (bytesRead === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sendData(sftp, reqid, packet, bytesRead);
    }),
  );
  sftp.on('WRITE', (reqid, handle, offset, data) =>
    run(reqid, () => {
      const { fd } = fileOf(handle);
      let done = 0;
      while (done < data.length) {
        const bytesWritten = writeSync(fd, data, done, data.length - done, offset + done);
        done += bytesWritten;
      }
      ok(reqid);
    }),
  );
  sftp.on('CLOSE', (reqid, handle) =>
    run(reqid, async () => {
      const [id, entry] = getHandle(handle);
      handles.delete(id);
      if (entry.kind === 'file') await entry.file.close();
      ok(reqid);
    }),
  );
  sftp.on('FSTAT', (reqid, handle) =>
    run(reqid, async () => sftp.attrs(reqid, toAttrs(await fileOf(handle).stat()))),
  );
  sftp.on('FSETSTAT', (reqid, handle, attrs) =>
    run(reqid, async () => {
      const [, entry] = getHandle(handle);
      writable(entry.path);
      if (entry.kind === 'file') await applyToFile(entry.file, attrs);
      else await applyToPath(entry.path.hostPath, attrs);
      ok(reqid);
    }),
  );
  sftp.on('STAT', (reqid, path) =>
    run(reqid, async () => sftp.attrs(reqid, toAttrs(await stat((await follow(path)).hostPath)))),
  );
  sftp.on('LSTAT', (reqid, path) =>
    run(reqid, async () =>
      sftp.attrs(reqid, toAttrs(await lstat((await noFollow(path)).hostPath))),
    ),
  );
  sftp.on('SETSTAT', (reqid, path, attrs) =>
    run(reqid, async () => {
      await applyToPath(writable(await follow(path)).hostPath, attrs);
      ok(reqid);
    }),
  );
  sftp.on('OPENDIR', (reqid, path) =>
    run(reqid, async () => {
      const resolved = await follow(path);
      if (!(await stat(resolved.hostPath)).isDirectory()) {
        throw new PodFsError('failure', `${resolved.podPath} is not a directory`);
      }
      sftp.handle(reqid, newHandle({ kind: 'dir', path: resolved, entries: undefined }));
    }),
  );
  sftp.on('READDIR', (reqid, handle) =>
    run(reqid, async () => {
      const [, entry] = getHandle(handle);
      if (entry.kind !== 'dir') throw new PodFsError('failure', 'Not a directory handle');
      entry.entries ??= await listDir(fs, entry.path);
      const batch = entry.entries.splice(0, READDIR_BATCH);
      if (batch.length === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.name(reqid, batch);
    }),
  );
  sftp.on('REMOVE', (reqid, path) =>
    run(reqid, async () => {
      await unlink(writable(await noFollow(path)).hostPath);
      ok(reqid);
    }),
  );
  sftp.on('RMDIR', (reqid, path) =>
    run(reqid, async () => {
      await rmdir(writable(await noFollow(path)).hostPath);
      ok(reqid);
    }),
  );
  sftp.on('MKDIR', (reqid, path, attrs) =>
    run(reqid, async () => {
      await mkdir(writable(await noFollow(path)).hostPath, {
        mode: Number(attrs.mode ?? 0o777) & 0o7777,
      });
      ok(reqid);
    }),
  );
  sftp.on('RENAME', (reqid, from, to) =>
    run(reqid, async () => {
      // SFTP v3 RENAME (as OpenSSH's sftp-server) never replaces an existing target.
      await renamePath(fs, from, to, { overwrite: false });
      ok(reqid);
    }),
  );
  sftp.on('REALPATH', (reqid, path) =>
    run(reqid, async () => {
      const { podPath } = await fs.resolve(path === '' ? '.' : path, { followFinal: true });
      sftp.name(reqid, [{ filename: podPath, longname: podPath, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('READLINK', (reqid, path) =>
    run(reqid, async () => {
      const target = await readlink((await noFollow(path)).hostPath);
      sftp.name(reqid, [{ filename: target, longname: target, attrs: {} as Attributes }]);
    }),
  );
  sftp.on('SYMLINK', (reqid, linkPath, targetPath) =>
    run(reqid, async () => {
      // The target is stored as given: inside the sandbox it means the same pod path.
      await symlink(targetPath, writable(await noFollow(linkPath)).hostPath);
      ok(reqid);
    }),
  );
  sftp.on('EXTENDED', (reqid, name, data) =>
    run(reqid, async () => {
      const args = data ?? Buffer.alloc(0);
      switch (name) {
        case 'limits@openssh.com':
          sendExtendedReply(
            sftp,
            reqid,
            uint64s([MAX_PACKET, MAX_READ, MAX_READ, MAX_OPEN_HANDLES]),
          );
          return;
        case 'posix-rename@openssh.com': {
          const [from, to] = needStrings(args, 2);
          await renamePath(fs, from, to, { overwrite: true });
          ok(reqid);
          return;
        }
        case 'hardlink@openssh.com': {
          const [from, to] = needStrings(args, 2);
          const source = await noFollow(from);
          await link(source.hostPath, writable(await noFollow(to)).hostPath);
          ok(reqid);
          return;
        }
        case 'fsync@openssh.com': {
          await fileOf(needHandle(args)).sync();
          ok(reqid);
          return;
        }
        case 'statvfs@openssh.com':
        case 'fstatvfs@openssh.com': {
          const hostPath =
            name === 'statvfs@openssh.com'
              ? (await follow(needStrings(args, 1)[0])).hostPath
              : handlePath(getHandle(needHandle(args))[1]);
          sendExtendedReply(sftp, reqid, statvfsReply(await statfs(hostPath)));
          return;
        }
        case 'expand-path@openssh.com': {
          // `~` and `~/x` are the pod user's home (/root), as sftp-server expands them.
          const [path] = needStrings(args, 1);
          const expanded = path === '~' ? '/root' : path.replace(/^~\//, '/root/');
          const { podPath } = await follow(expanded === '' ? '.' : expanded);
          sftp.name(reqid, [{ filename: podPath, longname: podPath, attrs: {} as Attributes }]);
          return;
        }
        default:
          sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED, `${name} is not supported`);
      }
    }),
  );

  sftp.on('close', () => {
    for (const handle of handles.values()) {
      if (handle.kind === 'file') void handle.file.close().catch(() => {});
    }
    handles.clear();
  });
}

function openFlags(flags: number): number {
  const read = (flags & OPEN_MODE.READ) !== 0;
  const write = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND)) !== 0;
  let result =
    read && write ? fsConstants.O_RDWR : write ? fsConstants.O_WRONLY : fsConstants.O_RDONLY;
  if (flags & OPEN_MODE.APPEND) result |= fsConstants.O_APPEND;
  if (flags & OPEN_MODE.CREAT) result |= fsConstants.O_CREAT;
  if (flags & OPEN_MODE.TRUNC) result |= fsConstants.O_TRUNC;
  if (flags & OPEN_MODE.EXCL) result |= fsConstants.O_EXCL;
  return result;
}

async function renamePath(
  fs: PodFs,
  from: string,
  to: string,
  options: { overwrite: boolean },
): Promise<void> {
  const source = await fs.resolve(from, { followFinal: false });
  const target = await fs.resolve(to, { followFinal: false });
  if (!source.writable || !target.writable) {
    throw new PodFsError('permission_denied', 'Only /root, /workspace and /tmp can change');
  }
  await lstat(source.hostPath);
  if (!options.overwrite && (await exists(target.hostPath))) {
    throw new PodFsError('failure', `${target.podPath} already exists`);
  }
  await rename(source.hostPath, target.hostPath);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function listDir(fs: PodFs, dir: ResolvedPath): Promise<FileEntry[]> {
  const names = ['.', '..', ...(await readdir(dir.hostPath)).sort()];
  if (dir.podPath === '/') {
    for (const extra of ['root', 'workspace', 'tmp']) if (!names.includes(extra)) names.push(extra);
  }
  const entries: FileEntry[] = [];
  for (const name of names) {
    const podPath = dir.podPath === '/' ? `/${name}` : `${dir.podPath}/${name}`;
    let stats: Stats;
    try {
      const resolved =
        name === '.' || name === '..'
          ? { hostPath: join(dir.hostPath, name) }
          : await fs.resolve(podPath, { followFinal: false });
      stats = await lstat(resolved.hostPath);
    } catch {
      continue; // hidden or vanished
    }
    const attrs = toAttrs(stats);
    entries.push({ filename: name, longname: longName(name, stats), attrs });
  }
  return entries;
}

function toAttrs(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

async function applyToPath(path: string, attrs: InputAttributes): Promise<void> {
  if (attrs.size !== undefined) await truncate(path, attrs.size);
  if (attrs.mode !== undefined) await chmod(path, Number(attrs.mode) & 0o7777);
  if (attrs.atime !== undefined && attrs.mtime !== undefined) {
    await utimes(path, attrs.atime, attrs.mtime);
  }
}

async function applyToFile(file: FileHandle, attrs: InputAttributes): Promise<void> {
  if (attrs.size !== undefined) await file.truncate(attrs.size);
  if (attrs.mode !== undefined) await file.chmod(Number(attrs.mode) & 0o7777);
  if (attrs.atime !== undefined && attrs.mtime !== undefined) {
    await file.utimes(attrs.atime, attrs.mtime);
  }
}

function readStrings(data: Buffer, count: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let offset = 0;
  for (let i = 0; i < count; i += 1) {
    if (offset + 4 > data.length) {
      out.push(undefined);
      continue;
    }
    const length = data.readUInt32BE(offset);
    offset += 4;
    out.push(
      offset + length <= data.length ? data.toString('utf8', offset, offset + length) : undefined,
    );
    offset += length;
  }
  return out;
}

function needStrings(data: Buffer, count: 1): [string];
function needStrings(data: Buffer, count: 2): [string, string];
function needStrings(data: Buffer, count: number): string[] {
  const strings = readStrings(data, count);
  if (strings.some((value) => value === undefined)) throw new PodFsError('failure', 'Bad request');
  return strings as string[];
}

function needHandle(data: Buffer): Buffer {
  if (data.length < 4) throw new PodFsError('failure', 'Bad request');
  const length = data.readUInt32BE(0);
  if (4 + length > data.length) throw new PodFsError('failure', 'Bad request');
  return data.subarray(4, 4 + length);
}

function handlePath(handle: Handle): string {
  return handle.path.hostPath;
}

/** The 11 uint64 fields of a statvfs@openssh.com reply. */
function statvfsReply(stats: StatsFs): Buffer {
  return uint64s([
    stats.bsize,
    stats.bsize,
    stats.blocks,
    stats.bfree,
    stats.bavail,
    stats.files,
    stats.ffree,
    stats.ffree,
    0, // fsid
    0, // flags (not read-only)
    255, // name max
  ]);
}

function statusFor(err: unknown): [number, string] {
  if (err instanceof PodFsError) {
    const code =
      err.status === 'no_such_file'
        ? STATUS_CODE.NO_SUCH_FILE
        : err.status === 'permission_denied'
          ? STATUS_CODE.PERMISSION_DENIED
          : STATUS_CODE.FAILURE;
    return [code, err.message];
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return [STATUS_CODE.NO_SUCH_FILE, 'No such file'];
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return [STATUS_CODE.PERMISSION_DENIED, 'Permission denied'];
    default:
      return [STATUS_CODE.FAILURE, err instanceof Error ? err.message : 'Failure'];
  }
}
