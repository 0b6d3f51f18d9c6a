import { join } from 'node:path';
import { fingerprint, KnownHostsStore } from '@lium/ssh/known-hosts';

/** The directory holding one pinned host key file per pod, under the config directory. */
export function knownHostsDirOf(configDir: string): string {
  return join(configDir, 'known_hosts');
}

/** What {@link forgetPodHostKey} needs: where the pins are, and the open pool. */
export interface HostKeyDeps {
  /** `<configDir>/known_hosts` (see `knownHostsDirOf`). */
  knownHostsDir: string;
  /**
   * The pool of this process, when one is open: its connections to the pod are dropped too,
   * so the next connection pins afresh.
   */
  pool?:
    | {
        /** Drops the pool's connections pinned to this key id; true when it had one. */
        forgetHostKey(hostKeyId: string): Promise<boolean>;
      }
    | undefined;
}

/** What `forgetPodHostKey` found and removed. */
export interface ForgottenHostKey {
  /** The pod's id. */
  podId: string;
  /** The pin file (gone now). */
  path: string;
  /** False when nothing was pinned for this pod. */
  forgotten: boolean;
  /** `ssh-ed25519 SHA256:…` of each key that was pinned. */
  fingerprints: string[];
}

/** The fingerprints pinned for a pod (empty when none), as `ssh-keygen -l` prints them. */
export async function pinnedHostKeys(
  deps: Pick<HostKeyDeps, 'knownHostsDir'>,
  podId: string,
): Promise<{
  /** The pod's pin file. */
  path: string;
  /** `ssh-ed25519 SHA256:…` of each pinned key; empty when none is pinned. */
  fingerprints: string[];
}> {
  const store = new KnownHostsStore(deps.knownHostsDir);
  const path = store.pathForId(podId);
  const entries = await store.read(path);
  const fingerprints = [
    ...new Set(entries.map((entry) => `${entry.keyType} ${fingerprint(entry.keyBase64)}`)),
  ];
  return { path, fingerprints };
}

/**
 * Forgets the host key pinned for a pod, after it was rebuilt or rebooted with a new key, so the
 * next connection pins the key it presents then. Only for a change you expect: a changed key
 * is otherwise the sign of someone in the middle, which is why connections refuse it.
 */
export async function forgetPodHostKey(
  deps: HostKeyDeps,
  podId: string,
): Promise<ForgottenHostKey> {
  const { path, fingerprints } = await pinnedHostKeys(deps, podId);
  const store = new KnownHostsStore(deps.knownHostsDir);
  const removedByPool = deps.pool ? await deps.pool.forgetHostKey(podId) : false;
  const removed = (await store.forget(path)) || removedByPool;
  return { podId, path, forgotten: removed, fingerprints };
}
