/** Removing other shells' expired list files from the config directory (`last_ps.*`, scoped lists). */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Deletes the files of `dir` whose name matches `name`, other than `keep`, for which `expired`
 * says so given the match and the file's age in ms. A missing directory, or a file another
 * shell removed first, is not an error.
 */
export async function pruneFiles(
  dir: string,
  name: RegExp,
  keep: string,
  expired: (match: RegExpExecArray, ageMs: number) => boolean,
  now: Date,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (entry) => {
      const match = name.exec(entry);
      const file = join(dir, entry);
      if (!match || file === keep) return;
      try {
        const info = await stat(file);
        if (expired(match, now.getTime() - info.mtimeMs)) await unlink(file);
      } catch {
        // Another shell may have removed it first.
      }
    }),
  );
}
