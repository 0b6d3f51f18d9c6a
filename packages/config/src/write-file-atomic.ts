import { randomBytes } from 'node:crypto';
import { mkdir, open, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WriteFileAtomicOptions {
  /** Permission bits of the written file, applied regardless of the umask. Default `0o600`. */
  mode?: number;
}

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never a
 * partial write: the data goes to a temporary file in the same directory, is flushed to disk
 * (`fsync`), and is renamed over `path`. The directory is then flushed too (best effort).
 *
 * Missing parent directories are created with mode `0o700` (they hold secrets: API keys, pinned host
 * keys). A symlink at `path` is followed, so the file it points to is replaced, not the link. The
 * temporary file is removed when anything fails. Errors are Node's own (`EACCES`, `ENOSPC`, …).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const target = await resolveSymlink(path);
  const dir = dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const temp = join(
    dir,
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

async function resolveSymlink(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** Flushes the directory entry of the rename; not possible on every platform (Windows), so best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The file is complete either way; only durability across a power cut is weaker.
  }
}
