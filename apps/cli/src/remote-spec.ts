/**
 * `TARGETS:PATH` (e.g. `1:/root/out.txt`, `1,2:/data/`, `all:logs/`, `noble-hawk-a3:~/x`).
 * A single letter before the colon is a Windows drive (`C:\data`), not a pod; a prefix with a
 * slash or starting with `.`/`~` is a local path that happens to hold a colon.
 */
const REMOTE = /^([A-Za-z0-9_][\w.,-]*):(.*)$/s;

export interface RemoteSpec {
  targets: string;
  path: string;
}

export function parseRemoteSpec(arg: string): RemoteSpec | undefined {
  const match = REMOTE.exec(arg);
  if (!match) return undefined;
  const [, targets = '', path = ''] = match;
  if (/^[A-Za-z]$/.test(targets)) return undefined;
  return { targets, path };
}
