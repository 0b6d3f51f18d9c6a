/**
 * What `runJob` leaves out when it syncs a project to a pod, with git's semantics: every
 * `.gitignore` and `.liumignore` of the tree (nested ones too; in a directory `.liumignore` is
 * read after `.gitignore`, so it wins), `!` re-includes (the last matching rule wins; nothing
 * inside an excluded directory can be re-included), `.git/`, the local `lium-runs/` outputs, and
 * `.env*` files unless they are asked for: secrets must never leave the machine by accident.
 *
 * The tree is walked here and what is left out becomes anchored rsync excludes, one per
 * excluded file or directory, so rsync (or the SFTP fallback) needs no gitignore dialect.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type IgnoreRule, ignoredBy, parseIgnoreFile } from './git-ignore.ts';

/** Ignore files read in each directory of a job's sync, in this order (gitignore syntax). */
export const IGNORE_FILES = ['.gitignore', '.liumignore'] as const;

/** Patterns always left out of a job's sync (`.env*` only without `includeEnv`). */
export const ALWAYS_EXCLUDED = ['.git/', '/lium-runs/'] as const;

/** What a sync of a directory sends and leaves out (paths relative to it, `/`-separated). */
export interface SyncSelection {
  /** Files (and symlinks) that are sent. */
  files: string[];
  /** What the ignore files leave out: directories end with `/` (nothing below them is listed). */
  excluded: string[];
}

/** Options of {@link selectSyncPaths}. */
export interface SyncSelectionOptions {
  /** Send `.env*` files too (default: never). */
  includeEnv?: boolean | undefined;
}

async function readRules(dir: string, base: string): Promise<IgnoreRule[]> {
  const rules: IgnoreRule[] = [];
  for (const name of IGNORE_FILES) {
    try {
      rules.push(...parseIgnoreFile(await readFile(join(dir, name), 'utf8'), base));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
    }
  }
  return rules;
}

/** Left out whatever the ignore files say (`.git`, `lium-runs` at the top, `.env*`). */
function alwaysLeftOut(entry: Dirent, base: string, includeEnv: boolean): boolean {
  if (entry.name === '.git') return true;
  if (base === '' && entry.name === 'lium-runs' && entry.isDirectory()) return true;
  return !includeEnv && entry.name.startsWith('.env');
}

/** Walks `dir` the way git does and says what a job's sync sends and leaves out. */
export async function selectSyncPaths(
  dir: string,
  options: SyncSelectionOptions = {},
): Promise<SyncSelection> {
  const selection: SyncSelection = { files: [], excluded: [] };
  const includeEnv = options.includeEnv ?? false;
  const walk = async (base: string, inherited: readonly IgnoreRule[]) => {
    const here = base === '' ? dir : join(dir, base);
    const rules = [...inherited, ...(await readRules(here, base))];
    const entries = (await readdir(here, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const path = base === '' ? entry.name : `${base}/${entry.name}`;
      const isDir = entry.isDirectory();
      if (alwaysLeftOut(entry, base, includeEnv) || ignoredBy(rules, path, isDir)) {
        selection.excluded.push(isDir ? `${path}/` : path);
      } else if (isDir) {
        await walk(path, rules);
      } else {
        selection.files.push(path);
      }
    }
  };
  await walk('', []);
  return selection;
}

/** An rsync exclude that matches exactly this path from the sync root. */
function anchoredExclude(path: string): string {
  // rsync reads backslashes as escapes only in patterns with a wildcard character.
  const literal = /[*?[]/.test(path) ? path.replace(/[*?[\\]/g, '\\$&') : path;
  return `/${literal}`;
}

/** Every exclude pattern for syncing `dir`: what the ignore files leave out, then `extra`. */
export async function syncExcludes(
  dir: string,
  options: SyncSelectionOptions & { extra?: readonly string[] | undefined } = {},
): Promise<string[]> {
  const patterns: string[] = [...ALWAYS_EXCLUDED];
  if (!options.includeEnv) patterns.push('.env*');
  const { excluded } = await selectSyncPaths(dir, options);
  patterns.push(...excluded.map(anchoredExclude));
  patterns.push(...(options.extra ?? []));
  return [...new Set(patterns)];
}
