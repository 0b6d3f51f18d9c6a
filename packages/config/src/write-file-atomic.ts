import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** How {@link writeFileAtomic} writes. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the written file, applied regardless of the umask. Default `0o600`. */
  mode?: number;
  /**
   * Flush the file and its directory to disk (`fsync`) before and after the rename. Default
   * `true`. `false` keeps the all-or-nothing replace but skips both flushes (20-40 ms a write
   * on a busy disk), for files that only remember what a command saw (listings, last use) and
   * that a power cut may roll back to their previous version without harm.
   */
  durable?: boolean;
}

/**
 * Writes `data` to `path` so that readers see either the old file or the whole new one, never a
 * partial write: the data goes to a temporary file in the same directory, is flushed to disk
 * (`fsync`), and is renamed over `path`. The directory is then flushed too (best effort). With
 * `durable: false` the two flushes are skipped (see {@link WriteFileAtomicOptions.durable}).
 *
 * Missing parent directories are created with mode `0o700` (they hold secrets: API keys, pinned host
 * keys). A symlink at `path` is followed, so the file it points to is replaced, not the link. The
 * temporary file is removed when anything fails; the temporary files of writers that died
 * (`kill -9`, a power cut) are removed by the next write of the same file. Errors are Node's own
 * (`EACCES`, `ENOSPC`, …).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const durable = options.durable ?? true;
  const target = await resolveSymlink(path);
  const dir = dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  await removeDeadWritersTemps(dir, basename(target));
  const temp = join(
    dir,
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  if (durable) await syncDirectory(dir);
}

/** `.<name>.<pid>.<12 hex>.tmp`: group 1 is the writer's pid. */
function tempPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
}

/** False only when no process has this pid (EPERM: it exists, owned by someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temp files of `name` whose writer's process is gone: a writer killed between
 * creating its temp file and renaming it can never clean up itself. A live writer's file (this
 * process's included) is left alone; a reused pid only delays the clean-up. Best effort.
 */
async function removeDeadWritersTemps(dir: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  const pattern = tempPattern(name);
  for (const entry of entries) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await unlink(join(dir, entry)).catch(() => {});
  }
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
