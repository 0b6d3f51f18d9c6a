import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { CliError } from './errors.ts';
import type { CliIO } from './io.ts';

/** A local path as the user typed it: `~` expanded, relative to the run's directory. */
export function localPath(path: string, io: Pick<CliIO, 'cwd' | 'env'>): string {
  const home = io.env.HOME ?? homedir();
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(io.cwd, path);
}

function missing(path: string, what: string): CliError {
  return new CliError(`${what} ${path} does not exist`, {
    code: 'local_file_missing',
    hint: 'Check the path (relative paths start from the current directory).',
  });
}

/** Throws a one-line error unless `path` exists; returns whether it is a directory. */
export async function requireLocal(
  path: string,
  what = 'Local file',
): Promise<{ isDirectory: boolean; size: number }> {
  try {
    const info = await stat(path);
    return { isDirectory: info.isDirectory(), size: info.size };
  } catch {
    throw missing(path, what);
  }
}

export async function readLocalText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw missing(path, what);
  }
}
