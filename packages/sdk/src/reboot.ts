import { sleep, throwIfAborted } from './abort.ts';
import type { Lium } from './lium.ts';
import type { PodInfo } from './models.ts';
import type { PodOutcome } from './options.ts';
import { DEFAULT_POD_CONCURRENCY } from './pod-fanout.ts';
import { settleEach } from './poll.ts';
import type { WaitForReadyOptions } from './wait-ready.ts';

/** What {@link rebootPod} needs; {@link rebootDepsOf} builds it from a `Lium`. */
export interface RebootDeps {
  /** `POST /pods/{id}/reboot` (`LiumAPIClient.rebootPod`). */
  rebootPod(
    podId: string,
    options: { volumeId?: string | undefined; signal?: AbortSignal | undefined },
  ): Promise<unknown>;
  /** The pod now (`Lium.getPod`). */
  getPod(podId: string, options: { signal?: AbortSignal | undefined }): Promise<PodInfo>;
  /** Forgets the pod's pinned host key (`forgetPodHostKey`, or `SshPool.forgetHostKey`). */
  forgetHostKey(podId: string): Promise<unknown>;
  /** Waits until the pod answers on SSH (`Lium.waitForPodReady`). */
  waitForPodReady(podId: string, options: WaitForReadyOptions): Promise<PodInfo>;
}

/** Options of {@link rebootPod}. */
export interface RebootOptions {
  /** Attach this volume (id) to the rebooted container. */
  volumeId?: string | undefined;
  /** Wait until SSH answers again (default true). */
  wait?: boolean | undefined;
  /** For the wait (default 300 000 ms). */
  timeoutMs?: number | undefined;
  /** Aborts the wait; the reboot itself, once accepted, goes on. */
  signal?: AbortSignal | undefined;
  /** Every status seen while waiting (`REBOOT_PENDING` with its ETA, then `RUNNING`). */
  onStatus?: ((pod: PodInfo) => void) | undefined;
  /**
   * How long the pod may still show its old RUNNING status after the reboot was accepted before
   * the wait treats RUNNING as the new container (default 15 000 ms); polls every `pollMs`.
   */
  leaveRunningGraceMs?: number | undefined;
  /** How often the status is asked while waiting, ms; default 500. */
  pollMs?: number | undefined;
}

/** How a reboot ended. */
export interface RebootResult {
  /** The pod as last seen. */
  pod: PodInfo;
  /** False with `wait: false`: the pod is still coming back. */
  ready: boolean;
}

/**
 * Reboots a pod and, by default, waits until SSH answers again. The reboot replaces the
 * container and with it the SSH host key (reference §2.3.4), so the pin is forgotten only once the
 * server has accepted this reboot; a key that changes at any other time is still refused. The
 * wait first lets the old RUNNING status go (so it never shakes hands with the old container),
 * then is `waitForPodReady`: REBOOT_PENDING is waited through, a terminal status fails.
 */
export async function rebootPod(
  deps: RebootDeps,
  pod: PodInfo,
  options: RebootOptions = {},
): Promise<RebootResult> {
  const signal = options.signal;
  const call = { signal };
  await deps.rebootPod(pod.id, {
    volumeId: options.volumeId,
    ...call,
  });
  // The server said the container (and its host key) is being replaced: the old pin must go.
  await deps.forgetHostKey(pod.id);
  if (options.wait === false) return { pod: await deps.getPod(pod.id, call), ready: false };
  const started = Date.now();
  const grace = options.leaveRunningGraceMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  for (;;) {
    throwIfAborted(signal);
    const now = await deps.getPod(pod.id, call);
    options.onStatus?.(now);
    if (now.status !== 'RUNNING' || Date.now() - started >= grace) break;
    await sleep(pollMs, signal);
  }
  const ready = await deps.waitForPodReady(pod.id, {
    timeoutMs:
      options.timeoutMs === undefined
        ? undefined
        : Math.max(1_000, options.timeoutMs - (Date.now() - started)),
    signal,
    onStatus: options.onStatus,
  });
  return { pod: ready, ready: true };
}

/** Options of {@link rebootPods}: {@link RebootOptions} for each pod, a bounded number at a time. */
export interface RebootPodsOptions extends Omit<RebootOptions, 'onStatus'> {
  /** Pods rebooted at once (default 8). */
  concurrency?: number | undefined;
  /** Every status seen while waiting, with the pod it is of. */
  onStatus?: ((pod: PodInfo, now: PodInfo) => void) | undefined;
}

/**
 * Reboots many pods, `concurrency` (default 8) at a time; one pod's failure does not stop the
 * others. Every pod gets a `{ pod, result }` or `{ pod, error }`, in the order given.
 */
export async function rebootPods(
  deps: RebootDeps,
  pods: readonly PodInfo[],
  options: RebootPodsOptions = {},
): Promise<PodOutcome<RebootResult>[]> {
  const { concurrency, onStatus, ...each } = options;
  const outcomes = await settleEach(pods, concurrency ?? DEFAULT_POD_CONCURRENCY, (pod) =>
    rebootPod(deps, pod, { ...each, onStatus: onStatus && ((now) => onStatus(pod, now)) }),
  );
  return outcomes.map(
    ({ item, ...outcome }) => ({ pod: item, ...outcome }) as PodOutcome<RebootResult>,
  );
}

/** {@link RebootDeps} over a `Lium` (its API client, pool and waits). */
export async function rebootDepsOf(lium: Lium): Promise<RebootDeps> {
  const api = await lium.getApiClient();
  return {
    rebootPod: (podId, options) =>
      api.rebootPod(podId, { volumeId: options.volumeId }, { signal: options.signal }),
    getPod: (podId, options) => lium.getPod(podId, options),
    forgetHostKey: async (podId) => {
      const { forgetPodHostKey, knownHostsDirOf } = await import('./host-keys.ts');
      const { configDir } = await lium.getSettings();
      const pool = await lium.getSshPool().catch(() => undefined);
      return forgetPodHostKey({ knownHostsDir: knownHostsDirOf(configDir), pool }, podId);
    },
    waitForPodReady: (podId, options) => lium.waitForPodReady(podId, options),
  };
}
