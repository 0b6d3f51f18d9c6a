/**
 * Speculative SSH for a command on a pod index (`lium exec 1 …`): the last pod listing kept each
 * pod's SSH address, so the handshake to it can start while the API is still answering which
 * pod index 1 is. Far from the API that saves one or more round trips (plus TLS) per command.
 *
 * Never acting on the wrong pod still holds: the speculative connection only handshakes (and
 * only with the host key already pinned for that pod id, so a different server at a stale
 * address fails the handshake and nothing is pinned); nothing runs on it until the API has
 * named the same pod at the same address. Any other answer (pod gone, another pod at that
 * index, a new address) discards it before the caller gets the pod, and the API's answer is
 * used as if there had been no snapshot address at all.
 */
import { connect, type Socket } from 'node:net';
import type { Preconnect } from '@lium/ssh';
import { parseSshConnectCmd, type SshTarget, targetKey } from '@lium/ssh/target';
import type { LiumCore } from './core.ts';
import type { PodInfo } from './models.ts';
import { sshTarget } from './ssh-target.ts';
import { parseTargetSpec } from './targets.ts';

/** What became of a speculative connection (for `--debug` and tests). */
export type PreconnectOutcome =
  /** Connected while the API confirmed the pod and address: the command uses this connection. */
  | {
      /** The connection was used. */
      kind: 'used';
      /** The pod connected to. */
      podId: string;
    }
  /** The API contradicted the snapshot; the connection was closed before anything ran on it. */
  | {
      /** The connection was closed unused. */
      kind: 'discarded';
      /** The pod the snapshot named. */
      podId: string;
      /** What the API said: the pod is gone, the index is another pod, or its address changed. */
      reason: 'pod_gone' | 'other_pod' | 'address_changed';
    }
  /** Tried, but the handshake failed (stale address, another host key, nothing pinned yet). */
  | {
      /** The handshake failed. */
      kind: 'failed';
      /** The pod the snapshot named. */
      podId: string;
    }
  /** Not tried: the targets are not one index, or the snapshot kept no address for it. */
  | {
      /** No connection was tried. */
      kind: 'skipped';
      /** Not a single index, no address kept for it, or preconnecting not possible here. */
      reason: 'not_one_index' | 'no_address' | 'unavailable';
    };

/** A speculative connection in flight, to settle against the API's answer. */
export interface Speculation {
  /** The API's answer (the resolved pods) or its error: keeps or discards the connection. */
  settle(resolved: readonly PodInfo[] | undefined): Promise<PreconnectOutcome>;
}

function skipped(reason: 'not_one_index' | 'no_address' | 'unavailable'): Speculation {
  return { settle: async () => ({ kind: 'skipped', reason }) };
}

/** The one index a spec names (`1`, ` 2 `), else undefined (lists, ranges, names, all). */
function singleIndex(spec: string): number | undefined {
  try {
    const tokens = parseTargetSpec(spec);
    const [token] = tokens;
    return tokens.length === 1 && token?.kind === 'index' ? token.index : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the handshake to the address the snapshot kept for the pod at a single index.
 * `ids`/`ssh` are the snapshot's; returns a speculation to settle once the API has answered.
 */
export async function speculate(
  core: LiumCore,
  spec: string,
  snapshot: { ids: readonly string[] | undefined; ssh: Readonly<Record<string, string>> },
): Promise<Speculation> {
  const index = singleIndex(spec);
  if (index === undefined) return skipped('not_one_index');
  const podId = snapshot.ids?.[index - 1];
  const command = podId === undefined ? undefined : snapshot.ssh[podId];
  if (podId === undefined || command === undefined) return skipped('no_address');
  let target: SshTarget;
  let handle: Preconnect;
  let socket: Socket | undefined;
  try {
    target = { ...parseSshConnectCmd(command), hostKeyId: podId };
    // The TCP connect goes out before the SSH runtime loads (tens of ms of module compile): the
    // server accepts, forks and sends its banner meanwhile, and a far pod's round trip is paid
    // in parallel. The pool owns the socket from here.
    socket = core.hostKeyCheck() === 'off' ? undefined : openSocket(target);
    handle = (await core.pool()).preconnect(target, { socket });
  } catch {
    socket?.destroy();
    // No SSH key, a closed instance, a malformed remembered command: the API path decides.
    return skipped('unavailable');
  }
  return {
    async settle(resolved) {
      const pod = resolved?.length === 1 ? resolved[0] : undefined;
      const reason =
        pod === undefined
          ? 'pod_gone'
          : pod.id !== podId
            ? 'other_pod'
            : !pod.sshCmd || !sameTarget(pod, target)
              ? 'address_changed'
              : undefined;
      if (reason !== undefined) {
        handle.discard();
        return { kind: 'discarded', podId, reason };
      }
      // Settled before the caller runs anything, so a failed attempt is out of the pool and
      // the command opens a fresh connection (and reports its own errors) as it always did.
      return (await handle.ready) ? { kind: 'used', podId } : { kind: 'failed', podId };
    },
  };
}

/** A TCP connection whose errors wait for the SSH handshake (or the fresh connect) to report. */
function openSocket(target: SshTarget): Socket {
  const socket = connect({ host: target.host, port: target.port, noDelay: true });
  socket.on('error', () => undefined);
  return socket;
}

function sameTarget(pod: PodInfo, remembered: SshTarget): boolean {
  try {
    return targetKey(sshTarget(pod)) === targetKey(remembered);
  } catch {
    return false;
  }
}
