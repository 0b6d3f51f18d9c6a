import { join, posix } from 'node:path';
import { shQuote } from '@lium/ssh/target';

/**
 * rsync's own trailing-slash rule: a directory source written without a trailing `/`
 * (`./proj`) is copied as a folder into the destination (`/x/proj`); with one (`./proj/`),
 * only its contents go to the destination. The sync underneath always copies contents, so
 * `syncDirectory` names the folder in the destination itself; rsync and the SFTP fallback agree.
 *
 * Returns the name to append to the destination, or undefined when the contents go there
 * directly (a trailing slash, a file, or `.`, `..`, `~`, `/` which have no folder name). Pure.
 */
export function folderNameToKeep(source: string, sourceIsDirectory: boolean): string | undefined {
  if (!sourceIsDirectory || source.endsWith('/')) return undefined;
  const name = posix.basename(source);
  return name === '' || name === '.' || name === '..' || name === '~' ? undefined : name;
}

/** A POSIX shell word for a remote path, keeping a leading `~/` meaning the home directory. */
export function remotePathWord(path: string): string {
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) return `"$HOME"/${shQuote(path.slice(2))}`;
  return shQuote(path);
}

/**
 * The one layout of a pull from several pods: each pod's own `<localDir>/<huid>/`, which then
 * plays the local destination of a one-pod pull (so `all:/x/logs/ dir/` gives `dir/<huid>/…`,
 * and a file `all:/x/a.txt dir/` gives `dir/<huid>/a.txt`). Nothing from two pods can mix.
 */
export function pullDirFor(localDir: string, pod: { huid: string }): string {
  return join(localDir, pod.huid);
}
