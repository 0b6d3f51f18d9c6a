import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { POD_DIRS } from '../sandbox.ts';

/** A failure with an SFTP status in mind (see sftp/server.ts). */
export class PodFsError extends Error {
  constructor(
    readonly status: 'no_such_file' | 'permission_denied' | 'failure',
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedPath {
  /** Canonical pod path, e.g. `/root/x`. */
  podPath: string;
  /** Where it lives on the host. */
  hostPath: string;
  /** Inside /root, /workspace or /tmp (the only writable places). */
  writable: boolean;
}

const POD_DIR_SET = new Set<string>(POD_DIRS);
/** Host trees the pod never sees through SFTP (the sandbox has its own /proc and /dev). */
const REFUSED_TOP_LEVEL = new Set(['proc', 'sys', 'dev']);
const MAX_SYMLINKS = 40;

/**
 * The pod's view of the filesystem as SFTP sees it, matching what a sandboxed command sees:
 * /root, /workspace and /tmp are the pod's directories, everything else is the host, read-only.
 * Symlinks are followed inside that view (an absolute link target is a pod path, as it would
 * be inside the sandbox), so a link cannot lead to the host's /root or another pod.
 */
export class PodFs {
  readonly #dataDir: string;
  readonly #hidden: readonly string[];

  readonly #host: boolean;

  constructor(options: {
    dataDir: string;
    hiddenHostDirs: readonly string[];
    /**
     * `sandbox` (default): the view bwrap and unshare build. `host`: what an unsandboxed
     * command sees (sandbox none): the machine itself, relative paths in the pod's home.
     */
    view?: 'sandbox' | 'host';
  }) {
    this.#dataDir = options.dataDir;
    this.#hidden = options.hiddenHostDirs.filter((dir) => dir !== '/');
    this.#host = options.view === 'host';
  }

  /** Relative paths start at /root, the pod user's home. */
  async resolve(path: string, options: { followFinal: boolean }): Promise<ResolvedPath> {
    const home = this.#host ? join(this.#dataDir, 'root') : '/root';
    const start = path.startsWith('/') ? path : `${home}/${path}`;
    const parts = await this.#walk(start.split('/'), options.followFinal);
    return this.#map(parts);
  }

  #map(parts: readonly string[]): ResolvedPath {
    const podPath = `/${parts.join('/')}`;
    if (this.#host) return { podPath, hostPath: podPath, writable: true };
    const [top = '', ...rest] = parts;
    if (POD_DIR_SET.has(top)) {
      return { podPath, hostPath: join(this.#dataDir, top, ...rest), writable: true };
    }
    if (REFUSED_TOP_LEVEL.has(top)) {
      throw new PodFsError('permission_denied', `${podPath} is not available over SFTP`);
    }
    const hostPath = podPath;
    if (this.#hidden.some((dir) => hostPath === dir || hostPath.startsWith(`${dir}/`))) {
      throw new PodFsError('permission_denied', `${podPath} is not available in this pod`);
    }
    return { podPath, hostPath, writable: false };
  }

  async #walk(input: string[], followFinal: boolean): Promise<string[]> {
    const done: string[] = [];
    const queue = [...input];
    let hops = 0;
    while (queue.length > 0) {
      const part = queue.shift() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        done.pop();
        continue;
      }
      const isFinal = queue.every((p) => p === '' || p === '.');
      const candidate = [...done, part];
      if (isFinal && !followFinal) {
        done.push(part);
        continue;
      }
      let hostPath: string;
      try {
        hostPath = this.#map(candidate).hostPath;
      } catch {
        done.push(part);
        continue;
      }
      let target: string | undefined;
      try {
        if ((await lstat(hostPath)).isSymbolicLink()) target = await readlink(hostPath);
      } catch {
        // A missing component: the rest is taken literally and the operation reports it.
      }
      if (target === undefined) {
        done.push(part);
        continue;
      }
      hops += 1;
      if (hops > MAX_SYMLINKS) throw new PodFsError('failure', 'Too many levels of symbolic links');
      if (target.startsWith('/')) done.length = 0;
      queue.unshift(...target.split('/'));
    }
    return done;
  }
}
