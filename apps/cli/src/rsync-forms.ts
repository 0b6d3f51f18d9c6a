import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliUsageError } from './errors.ts';
import { parseRemoteSpec } from './remote-spec.ts';

/** The official CLI's default upload folder: `lium rsync 1 ./proj` lands in /root/proj. */
const OFFICIAL_REMOTE_DIR = '/root/';

/**
 * The official CLI's push form, `lium rsync TARGETS LOCAL [REMOTE]`, as our `SOURCE DEST`
 * (one side `TARGETS:PATH`). Without REMOTE, LOCAL goes to /root/<its name>; with one, a
 * directory's contents go to REMOTE (the official client adds the trailing slash). Our own
 * form (a `TARGETS:PATH` on either side) is returned unchanged.
 */
export async function rsyncEnds(
  first: string,
  second: string,
  third: string | undefined,
  cwd: string,
): Promise<{ source: string; dest: string }> {
  const ours = parseRemoteSpec(first) !== undefined || parseRemoteSpec(second) !== undefined;
  if (ours) {
    if (third !== undefined) {
      throw new CliUsageError(
        'Too many paths: give SOURCE DEST with one side TARGETS:PATH, or TARGETS LOCAL [REMOTE]',
        'e.g. `lium rsync ./src/ 1:/root/src/` or `lium rsync 1 ./src /root/src`; see `lium rsync --help`.',
      );
    }
    return { source: first, dest: second };
  }
  if (parseRemoteSpec(`${first}:/`) === undefined) {
    throw new CliUsageError(
      `One side must be TARGETS:PATH, or the first word pods (${JSON.stringify(first)} is a path)`,
      'e.g. `lium rsync ./src/ 1:/root/src/` or `lium rsync 1 ./src`; see `lium rsync --help`.',
    );
  }
  const local = resolve(cwd, second);
  if (third === undefined) return { source: local, dest: `${first}:${OFFICIAL_REMOTE_DIR}` };
  const isDirectory = await stat(local).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return { source: isDirectory ? `${local}/` : second, dest: `${first}:${third}` };
}
