/**
 * Index snapshots that belong to one shell, one API base URL and one account: `lium up 1` in
 * shell A must mean row 1 of A's last `lium ls`, never the list another shell (or another API,
 * or another account) showed since (issue #11 item 2).
 *
 * Files: `<configDir>/last_<kind>.<shell pid>.json` = `{ timestamp, scope, ids, ssh? }`, where `kind`
 * is `ls` or `ps` and `scope` is a hash of the base URL and the API key (never the key). A shell
 * without a snapshot of its own may use another shell's only when that is unambiguous: every
 * unexpired snapshot of the same scope of a shell still open, and the newest of a shell that has
 * exited, list the same ids. Expired snapshots of shells that have
 * exited (and any older than a day) are deleted on the next write, so they do not pile up.
 * `ssh` (pod lists only) maps an id to the `ssh_connect_cmd` it had, so a command on an index
 * can start its handshake while the API confirms the pod (see preconnect.ts).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lium/config';
import { pruneFiles } from './prune-files.ts';

/** Which list a snapshot holds: machines (`ls`) or pods (`ps`). */
export type SnapshotKind = 'ls' | 'ps' | 'templates';

/** How long another shell's snapshot may be used for (and how long any is kept). */
export const SNAPSHOT_MAX_AGE_MS = 600_000;

/** The longest a snapshot of a shell that is still running is kept. */
const KEEP_LIVE_MS = 86_400_000;

/** One shell's snapshot as read back. */
export interface ScopedSnapshot {
  shellPid: number;
  takenAt: Date;
  ids: string[];
  /** id → the SSH command the listing showed for it (pod lists; empty when none was kept). */
  ssh: Record<string, string>;
  /** What people type for the rows (HUIDs and names), for shell completion without the API. */
  words: string[];
  expired: boolean;
}

/** What a resolver may use: this shell's list, or an unambiguous one of another shell. */
export type SnapshotChoice =
  | { kind: 'own'; snapshot: ScopedSnapshot }
  | { kind: 'other'; snapshot: ScopedSnapshot }
  | { kind: 'ambiguous'; shells: number[] }
  | { kind: 'none' };

/** The scope of a base URL and API key: a short hash that reveals neither. */
export function snapshotScope(baseUrl: string, apiKey: string): string {
  return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex').slice(0, 16);
}

const NAME = /^last_(ls|ps|templates)\.(\d+)\.json$/;

function fileOf(configDir: string, kind: SnapshotKind, shellPid: number): string {
  return join(configDir, `last_${kind}.${shellPid}.json`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes this shell's snapshot and deletes expired ones and those of exited shells. */
export async function writeScopedSnapshot(
  configDir: string,
  kind: SnapshotKind,
  ids: readonly string[],
  options: {
    shellPid: number;
    scope: string;
    now?: Date | undefined;
    ssh?: Readonly<Record<string, string>> | undefined;
    words?: readonly string[] | undefined;
  },
): Promise<void> {
  const now = options.now ?? new Date();
  const file = fileOf(configDir, kind, options.shellPid);
  const data = {
    timestamp: now.toISOString(),
    scope: options.scope,
    ids,
    ...(options.ssh === undefined ? {} : { ssh: options.ssh }),
    ...(options.words ? { words: options.words } : {}),
  };
  // A record of what was listed, not a setting: atomic, but not worth two fsyncs per `ls`/`ps`.
  await writeFileAtomic(file, `${JSON.stringify(data)}\n`, { durable: false });
  // A live shell keeps its list for a day; an exited one's goes once it has expired.
  await pruneFiles(
    configDir,
    NAME,
    file,
    (match, age) => age > KEEP_LIVE_MS || (age > SNAPSHOT_MAX_AGE_MS && !isAlive(Number(match[2]))),
    now,
  );
}

async function readOne(
  file: string,
  shellPid: number,
  scope: string,
  now: Date,
): Promise<ScopedSnapshot | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { timestamp, scope: own, ids, ssh, words } = data as Record<string, unknown>;
  if (own !== scope || typeof timestamp !== 'string' || !Array.isArray(ids)) return undefined;
  const takenAt = new Date(timestamp);
  if (Number.isNaN(takenAt.getTime())) return undefined;
  const list = ids.filter((id): id is string => typeof id === 'string');
  const typed = Array.isArray(words)
    ? words.filter((word): word is string => typeof word === 'string')
    : [];
  const expired = now.getTime() - takenAt.getTime() > SNAPSHOT_MAX_AGE_MS;
  return { shellPid, takenAt, ids: list, ssh: sshOf(ssh), words: typed, expired };
}

function sshOf(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return result;
  for (const [id, command] of Object.entries(value)) {
    if (typeof command === 'string') result[id] = command;
  }
  return result;
}

/** This shell's snapshot of the scope, else another shell's when unambiguous. */
export async function chooseScopedSnapshot(
  configDir: string,
  kind: SnapshotKind,
  options: { shellPid: number; scope: string; now?: Date | undefined },
): Promise<SnapshotChoice> {
  const now = options.now ?? new Date();
  const own = await readOne(
    fileOf(configDir, kind, options.shellPid),
    options.shellPid,
    options.scope,
    now,
  );
  if (own) return { kind: 'own', snapshot: own };
  let names: string[];
  try {
    names = await readdir(configDir);
  } catch {
    return { kind: 'none' };
  }
  const others = (
    await Promise.all(
      names.map((name) => {
        const match = NAME.exec(name);
        if (!match || match[1] !== kind) return undefined;
        return readOne(join(configDir, name), Number(match[2]), options.scope, now);
      }),
    )
  ).filter((s): s is ScopedSnapshot => s !== undefined && !s.expired);
  const candidates = candidatesOf(others);
  const [first] = candidates;
  if (first === undefined) return { kind: 'none' };
  const same = candidates.every((s) => s.ids.join('\n') === first.ids.join('\n'));
  if (!same) return { kind: 'ambiguous', shells: candidates.map((s) => s.shellPid) };
  return { kind: 'other', snapshot: newestOf(candidates) };
}

const newestOf = (snapshots: readonly ScopedSnapshot[]): ScopedSnapshot =>
  snapshots.reduce((a, b) => (b.takenAt > a.takenAt ? b : a));

/**
 * The other shells' lists that may be meant: those of shells still open, and of the shells that
 * have exited only the newest one. Each `sh -c 'lium …'` of a script is a shell that exits at
 * once, so its older lists are history, not a terminal someone reads (the last `lium ps` of a
 * script is the list its `lium exec 1` means); a list of a shell still open counts as long as
 * it is fresh.
 */
function candidatesOf(others: readonly ScopedSnapshot[]): ScopedSnapshot[] {
  const open = others.filter((s) => isAlive(s.shellPid));
  const exited = others.filter((s) => !open.includes(s));
  return exited.length > 0 ? [...open, newestOf(exited)] : open;
}
