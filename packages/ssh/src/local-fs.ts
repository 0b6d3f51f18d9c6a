import { randomBytes } from 'node:crypto';
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface LocalEntry {
  /** Path relative to the walk's root, `/`-separated. */
  relative: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mode: number;
  /** Seconds since the epoch (whole seconds, as SFTP carries them). */
  mtime: number;
}

/** Every entry below `root` (not following symlinks), parents before children. */
export async function walkLocal(root: string, prefix = ''): Promise<LocalEntry[]> {
  const out: LocalEntry[] = [];
  const names = (await readdir(root)).sort();
  for (const name of names) {
    const path = join(root, name);
    const stats = await lstat(path);
    const relative = prefix ? `${prefix}/${name}` : name;
    const type = stats.isDirectory()
      ? 'dir'
      : stats.isFile()
        ? 'file'
        : stats.isSymbolicLink()
          ? 'symlink'
          : 'other';
    out.push({
      relative,
      type,
      size: stats.size,
      mode: stats.mode & 0o7777,
      mtime: Math.floor(stats.mtimeMs / 1000),
    });
    if (type === 'dir') out.push(...(await walkLocal(path, relative)));
  }
  return out;
}

/** A hidden sibling name for in-progress data: `.name.lium-<random>.part`, never mistaken for the result. */
export function tempSiblingName(finalName: string): string {
  return `.${finalName}.lium-${randomBytes(4).toString('hex')}.part`;
}

export function localTempPath(finalPath: string): string {
  return join(dirname(finalPath), tempSiblingName(basename(finalPath)));
}
