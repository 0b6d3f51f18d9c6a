/**
 * What `runJob` leaves out when it syncs a project to a pod: the patterns of the project's
 * `.gitignore` and `.liumignore` (top level, the rsync-compatible subset: comments, blank lines
 * and `!` re-includes are skipped), `.git/`, the local `lium-runs/` outputs, and `.env*` files
 * unless they are asked for: secrets must never leave the machine by accident.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const IGNORE_FILES = ['.gitignore', '.liumignore'] as const;

/** Patterns always left out of a job's sync (`.env*` only without `includeEnv`). */
export const ALWAYS_EXCLUDED = ['.git/', 'lium-runs/'] as const;

/** The rsync exclude patterns of one ignore file's text. */
export function ignorePatternsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'));
}

/** Every exclude pattern for syncing `dir`. */
export async function syncExcludes(
  dir: string,
  options: { includeEnv?: boolean | undefined; extra?: readonly string[] | undefined } = {},
): Promise<string[]> {
  const patterns: string[] = [...ALWAYS_EXCLUDED];
  if (!options.includeEnv) patterns.push('.env*');
  for (const name of IGNORE_FILES) {
    try {
      patterns.push(...ignorePatternsOf(await readFile(join(dir, name), 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  patterns.push(...(options.extra ?? []));
  return [...new Set(patterns)];
}
