import { posix } from 'node:path';
import type { InputAttributes, SFTPWrapper, Stats } from 'ssh2';
import { sftpLimitsOf } from './ssh2-internals.ts';

/** SFTP status code for "no such file". */
const NO_SUCH_FILE = 2;

export interface RemoteEntry {
  /** Path relative to the walk's root, `/`-separated. */
  relative: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mode: number;
  mtime: number;
}

/** Whether an SFTP error is "no such file". */
export function isMissing(error: unknown): boolean {
  return (error as { code?: unknown })?.code === NO_SUCH_FILE;
}

function entryType(stats: Stats): RemoteEntry['type'] {
  if (stats.isDirectory()) return 'dir';
  if (stats.isFile()) return 'file';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * Resolves `~`, `~/x` and relative paths against the remote home (what `realpath('.')` returns
 * on a fresh SFTP session); absolute paths are kept.
 */
export function resolveRemotePath(home: string, path: string): string {
  if (path === '' || path === '~' || path === '.') return home;
  if (path.startsWith('~/')) return posix.join(home, path.slice(2));
  if (path.startsWith('/')) return posix.normalize(path);
  return posix.join(home, path);
}

/** The payload size every SFTP server accepts (the SFTP drafts require 32 KiB). */
export const SAFE_REQUEST_BYTES = 32 * 1024;

/** Promise wrappers over ssh2's callback SFTP API, plus the few compound operations we need. */
export class RemoteFs {
  #closed = false;
  readonly #pending = new Set<(error: Error) => void>();

  constructor(
    readonly sftp: SFTPWrapper,
    /** The error to fail with once the session is gone. */
    readonly closedError: () => Error = () => new Error('The SFTP session was closed'),
  ) {
    // ssh2 never calls back requests that were in flight when the channel closed: fail them.
    sftp.once('close', () => this.abandon());
  }

  /**
   * The largest read and write payloads this server takes in one request. ssh2 reads them from
   * `limits@openssh.com` when the server offers it (OpenSSH's sftp-server: 261 120 bytes) and
   * otherwise assumes OpenSSH's packet size for OpenSSH; a server that is neither gets the safe
   * 32 KiB. ssh2 would split a bigger request into sequential pieces, losing the parallelism.
   */
  requestLimits(): { read: number; write: number } {
    const internals = sftpLimitsOf(this.sftp);
    const known = internals._extensions?.['limits@openssh.com'] === '1' || internals._isOpenSSH;
    const limit = (value: number | undefined) =>
      known && typeof value === 'number' && value > 0 ? value : SAFE_REQUEST_BYTES;
    return { read: limit(internals._maxReadLen), write: limit(internals._maxWriteLen) };
  }

  /** Fails every pending and future request (the channel or the connection is gone). */
  abandon(): void {
    this.#closed = true;
    for (const fail of [...this.#pending]) fail(this.closedError());
    this.#pending.clear();
  }

  realpath(path: string): Promise<string> {
    return this.#call((cb) => this.sftp.realpath(path, cb));
  }

  #call<T>(
    run: (callback: (error: Error | undefined | null, value?: T) => void) => void,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(this.closedError());
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      this.#pending.add(fail);
      run((error, value) => {
        this.#pending.delete(fail);
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve(value as T);
      });
    });
  }

  stat(path: string): Promise<Stats> {
    return this.#call((cb) => this.sftp.stat(path, cb));
  }

  lstat(path: string): Promise<Stats> {
    return this.#call((cb) => this.sftp.lstat(path, cb));
  }

  async statOrUndefined(path: string): Promise<Stats | undefined> {
    try {
      return await this.stat(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  open(path: string, flags: 'r' | 'w' | 'wx', attributes?: InputAttributes): Promise<Buffer> {
    return this.#call((cb) =>
      attributes ? this.sftp.open(path, flags, attributes, cb) : this.sftp.open(path, flags, cb),
    );
  }

  close(handle: Buffer): Promise<void> {
    return this.#call((cb) => this.sftp.close(handle, cb));
  }

  /** Reads up to `length` bytes at `position`; 0 at end of file. */
  async read(handle: Buffer, buffer: Buffer, length: number, position: number): Promise<number> {
    try {
      return await this.#call<number>((cb) =>
        this.sftp.read(handle, buffer, 0, length, position, (error, bytesRead) =>
          cb(error, bytesRead),
        ),
      );
    } catch (error) {
      // ssh2 reports EOF as an error with code 1 (SSH_FX_EOF).
      if ((error as { code?: unknown }).code === 1) return 0;
      throw error;
    }
  }

  write(handle: Buffer, buffer: Buffer, length: number, position: number): Promise<void> {
    return this.#call((cb) => this.sftp.write(handle, buffer, 0, length, position, cb));
  }

  fstat(handle: Buffer): Promise<Stats> {
    return this.#call((cb) => this.sftp.fstat(handle, cb));
  }

  fsetstat(handle: Buffer, attributes: InputAttributes): Promise<void> {
    return this.#call((cb) => this.sftp.fsetstat(handle, attributes, cb));
  }

  setstat(path: string, attributes: InputAttributes): Promise<void> {
    return this.#call((cb) => this.sftp.setstat(path, attributes, cb));
  }

  unlink(path: string): Promise<void> {
    return this.#call((cb) => this.sftp.unlink(path, cb));
  }

  async unlinkQuietly(path: string): Promise<void> {
    try {
      await this.unlink(path);
    } catch {
      // Best effort cleanup of a temp file.
    }
  }

  rmdir(path: string): Promise<void> {
    return this.#call((cb) => this.sftp.rmdir(path, cb));
  }

  /** Atomic replace: posix-rename@openssh.com when offered, else unlink + rename (SFTPv3 refuses to overwrite). */
  async replace(from: string, to: string): Promise<void> {
    try {
      await this.#call((cb) => this.sftp.ext_openssh_rename(from, to, cb));
      return;
    } catch (error) {
      if (!/not support/i.test((error as Error).message ?? '')) throw error;
    }
    try {
      await this.#call((cb) => this.sftp.rename(from, to, cb));
    } catch {
      await this.unlinkQuietly(to);
      await this.#call((cb) => this.sftp.rename(from, to, cb));
    }
  }

  /** `mkdir -p`. */
  async mkdirp(path: string, mode = 0o755): Promise<void> {
    const existing = await this.statOrUndefined(path);
    if (existing?.isDirectory()) return;
    const parent = posix.dirname(path);
    if (parent !== path) await this.mkdirp(parent, mode);
    try {
      await this.#call((cb) => this.sftp.mkdir(path, { mode }, cb));
    } catch (error) {
      if (!(await this.statOrUndefined(path))?.isDirectory()) throw error;
    }
  }

  async readdir(path: string): Promise<Array<{ name: string; stats: Stats }>> {
    const list = await this.#call<Array<{ filename: string; attrs: Stats }>>((cb) =>
      this.sftp.readdir(path, cb),
    );
    return list
      .filter((entry) => entry.filename !== '.' && entry.filename !== '..')
      .map((entry) => ({ name: entry.filename, stats: entry.attrs }));
  }

  /** Every entry below `root` (not following symlinks), parents before children. */
  async walk(root: string, prefix = ''): Promise<RemoteEntry[]> {
    const out: RemoteEntry[] = [];
    for (const { name, stats } of await this.readdir(root)) {
      const relative = prefix ? `${prefix}/${name}` : name;
      const type = entryType(stats);
      out.push({ relative, type, size: stats.size, mode: stats.mode & 0o7777, mtime: stats.mtime });
      if (type === 'dir') out.push(...(await this.walk(posix.join(root, name), relative)));
    }
    return out;
  }

  /** `rm -r` for a path that may be a file or a directory. */
  async removeTree(path: string): Promise<void> {
    const stats = await this.lstat(path);
    if (!stats.isDirectory()) return this.unlink(path);
    for (const { name } of await this.readdir(path)) await this.removeTree(posix.join(path, name));
    await this.rmdir(path);
  }

  end(): void {
    this.sftp.end();
  }
}
