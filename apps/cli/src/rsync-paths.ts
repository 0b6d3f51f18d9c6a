import { posix } from 'node:path';

/**
 * rsync's own trailing-slash rule: a directory source written without a trailing `/`
 * (`./proj`) is copied as a folder into the destination (`/x/proj`); with one (`./proj/`),
 * only its contents go to the destination. The SDK's sync always copies contents, so the CLI
 * names the folder in the destination itself; rsync and the SFTP fallback then agree.
 *
 * Returns the name to append to the destination, or undefined when the contents go there
 * directly (a trailing slash, a file, or `.`, `..`, `~`, `/` which have no folder name).
 */
export function folderNameToKeep(source: string, sourceIsDirectory: boolean): string | undefined {
  if (!sourceIsDirectory || source.endsWith('/')) return undefined;
  const name = posix.basename(source);
  return name === '' || name === '.' || name === '..' || name === '~' ? undefined : name;
}

/** A POSIX shell word for a remote path, keeping a leading `~/` meaning the home directory. */
export function remotePathWord(path: string): string {
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"/${quote(path.slice(2))}`;
  return quote(path);
}
