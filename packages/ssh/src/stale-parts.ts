import { posix } from 'node:path';
import type { RemoteFs } from './remote-fs.ts';

/** `.name.lium-<8 hex>.part`, as `tempSiblingName` makes them; group 1 is the final name. */
const PART_NAME = /^\.(.+)\.lium-[0-9a-f]{8}\.part$/;

/**
 * A part file untouched for this long belongs to an upload that died (a dropped connection
 * leaves no way to delete it): a live upload rewrites its part many times a second.
 */
export const STALE_PART_SECONDS = 5;

interface Listing {
  /** Final name → stale part names of it in this directory. */
  stale: Map<string, string[]>;
}

/**
 * Removes the parts that dead uploads of the same destination left behind (issue #11.9). Each
 * directory is listed once per SFTP session, and "now" is the server's clock (the mtime of our
 * own new part), so a skewed local clock can never make a live part look stale.
 */
export class StalePartSweeper {
  readonly #remote: RemoteFs;
  readonly #listings = new Map<string, Promise<Listing>>();

  constructor(remote: RemoteFs) {
    this.#remote = remote;
  }

  /**
   * Deletes the stale parts of `dest` (never `ownPart`); `ownHandle` is our open part, whose
   * mtime tells the server's time. Best effort: returns the paths removed, never throws.
   */
  async sweep(dest: string, ownPart: string, ownHandle: Buffer): Promise<string[]> {
    try {
      const dir = posix.dirname(dest);
      let listing = this.#listings.get(dir);
      if (listing === undefined) {
        listing = this.#list(dir, ownHandle);
        this.#listings.set(dir, listing);
      }
      const names = (await listing).stale.get(posix.basename(dest)) ?? [];
      const removed: string[] = [];
      for (const name of names) {
        const path = posix.join(dir, name);
        if (path === ownPart) continue;
        try {
          await this.#remote.unlink(path);
          removed.push(path);
        } catch {
          // Gone already (another sweep) or not ours to delete: leave it.
        }
      }
      return removed;
    } catch {
      return [];
    }
  }

  async #list(dir: string, ownHandle: Buffer): Promise<Listing> {
    const now = (await this.#remote.fstat(ownHandle)).mtime;
    const stale = new Map<string, string[]>();
    for (const { name, stats } of await this.#remote.readdir(dir)) {
      const match = PART_NAME.exec(name);
      if (!match?.[1] || !stats.isFile()) continue;
      if (stats.mtime > now - STALE_PART_SECONDS) continue;
      stale.set(match[1], [...(stale.get(match[1]) ?? []), name]);
    }
    return { stale };
  }
}

const sweepers = new WeakMap<RemoteFs, StalePartSweeper>();

/** The sweeper of one SFTP session (shared by every file an upload or sync writes). */
export function stalePartSweeper(remote: RemoteFs): StalePartSweeper {
  let sweeper = sweepers.get(remote);
  if (sweeper === undefined) {
    sweeper = new StalePartSweeper(remote);
    sweepers.set(remote, sweeper);
  }
  return sweeper;
}
