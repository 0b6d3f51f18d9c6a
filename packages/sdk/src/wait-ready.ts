import { isLiumError, type LiumError } from '@lium/errors';
import { abortError, sleep } from './abort.ts';
import { LiumPodError } from './errors.ts';
import type { PodInfo } from './models.ts';

/**
 * Statuses after which a pod will never become ready on its own (reference §3.1; the last
 * five are the newest client's defensive entries).
 */
export const TERMINAL_POD_STATUSES: ReadonlySet<string> = new Set([
  'FAILED',
  'CREATION_FAILED',
  'REBOOT_FAILED',
  'BROKEN',
  'STOPPED',
  'ERROR',
  'TERMINATED',
  'DELETED',
  'REMOVED',
  'CANCELLED',
]);

/** The ready wait's steady poll interval (see WaitForReadyOptions.pollIntervalMs). */
export const READY_POLL_MS = 1_000;

/** Handshake failures that end the wait at once instead of being retried. */
const FATAL_SSH_CODES: ReadonlySet<string> = new Set([
  'ssh_host_key_mismatch',
  'ssh_target_invalid',
  'closed',
]);

/** Options of the wait until a pod is ready to use. */
export interface WaitForReadyOptions {
  /** Give up after this long (default 300 000 ms, the official SDK's). */
  timeoutMs?: number | undefined;
  /** Aborts the wait; the error has code `aborted`. */
  signal?: AbortSignal | undefined;
  /**
   * Poll interval (default 1 000 ms), kept steady: a pod that becomes ready is seen within about
   * one interval, whether it took 5 s or 5 min (a growing backoff to 10 s cost up to 10 s).
   * One `GET /pods/{id}` per second per pod; the newest official client polls every 2 s.
   */
  pollIntervalMs?: number | undefined;
  /** After a 429 the interval doubles, up to this (default 10 000 ms). */
  maxPollIntervalMs?: number | undefined;
  /** How long a pod may be missing from the API before it counts as never created. */
  notListedGraceMs?: number | undefined;
  /** Called with every status seen, e.g. to show `phase` while pending. */
  onStatus?: ((pod: PodInfo) => void) | undefined;
}

export interface WaitDeps {
  /** The pod now; undefined when the API does not know it (404). */
  fetchPod(podId: string, signal: AbortSignal): Promise<PodInfo | undefined>;
  /** Resolves once an SSH session to the pod works; throws the SSH error otherwise. */
  handshake(pod: PodInfo, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** Why a pod failed, from the platform's events when it has them ([N] `pod_failure_cause`). */
  failureCause?(podId: string, signal: AbortSignal): Promise<string | undefined>;
}

/** Errors worth another poll: the network or the server hiccuped, not the request. */
function isTransient(error: unknown): boolean {
  if (!isLiumError(error)) return false;
  return ['connection_failed', 'timeout', 'server_error', 'rate_limited'].includes(error.code);
}

/** `: <cause>` for a failure message, or nothing when the platform does not say. */
async function causeOf(deps: WaitDeps, podId: string, signal: AbortSignal): Promise<string> {
  try {
    const cause = await deps.failureCause?.(podId, signal);
    return cause ? `: ${cause}` : '';
  } catch {
    return ''; // older servers have no events; the status alone has to do
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Polls until the pod is usable: API status RUNNING with an SSH command, then an SSH session
 * that opens. Fails at once on a terminal status or a pod that vanished, with the reason;
 * fails with `pod_not_ready` at the timeout; honours the signal.
 */
export async function waitForPodReady(
  podId: string,
  deps: WaitDeps,
  options: WaitForReadyOptions = {},
): Promise<PodInfo> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const started = Date.now();
  const deadline = started + timeoutMs;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const signal = controller.signal;
  const ceilingMs = options.maxPollIntervalMs ?? 10_000;
  let intervalMs = Math.min(options.pollIntervalMs ?? READY_POLL_MS, ceilingMs);
  let seen = false;
  let last: PodInfo | undefined;
  let lastProblem: string | undefined;

  try {
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      let pod: PodInfo | undefined;
      try {
        pod = await deps.fetchPod(podId, signal);
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        if (!isTransient(error)) throw error;
        lastProblem = `API: ${describe(error)}`;
        // The API asks for fewer requests: poll slower from now on.
        if (isLiumError(error) && error.code === 'rate_limited') {
          intervalMs = Math.min(ceilingMs, intervalMs * 2);
        }
        pod = last;
      }
      if (pod === undefined) {
        if (seen) {
          const cause = await causeOf(deps, podId, signal);
          throw new LiumPodError(
            `Pod ${podId} disappeared while starting (last status ${last?.status ?? 'unknown'})${cause}`,
            {
              code: 'pod_failed',
              podId,
              ...(last ? { status: last.status } : {}),
              hint: 'The platform removed it; start a new pod (a failed creation is deleted after a few minutes).',
            },
          );
        }
        if (Date.now() - started > (options.notListedGraceMs ?? 20_000)) {
          throw new LiumPodError(`Pod ${podId} was never listed by the API`, {
            code: 'pod_failed',
            podId,
            hint: 'List your pods (GET /pods); the rent may not have gone through.',
          });
        }
      } else {
        seen = true;
        last = pod;
        options.onStatus?.(pod);
        if (TERMINAL_POD_STATUSES.has(pod.status)) {
          const cause = await causeOf(deps, podId, signal);
          const what = pod.status === 'CREATION_FAILED' ? 'failed to start' : `is ${pod.status}`;
          throw new LiumPodError(
            `Pod ${pod.name || pod.huid} ${what} (status ${pod.status}${pod.phase ? `, phase ${pod.phase}` : ''})${cause}`,
            {
              code: 'pod_failed',
              podId,
              status: pod.status,
              hint: 'Remove it and start another pod, perhaps on a different executor.',
            },
          );
        }
        if (pod.status === 'RUNNING' && pod.sshCmd) {
          const remaining = deadline - Date.now();
          try {
            await deps.handshake(pod, Math.max(1_000, Math.min(remaining, 20_000)), signal);
            return pod;
          } catch (error) {
            if (signal.aborted) throw abortError(signal);
            // Waiting cannot fix these: a re-keyed host (security) or a closed Lium.
            if (isLiumError(error) && FATAL_SSH_CODES.has((error as LiumError).code)) throw error;
            lastProblem = `SSH: ${describe(error)}`;
          }
        }
      }
      const wait = Math.min(intervalMs, deadline - Date.now());
      if (wait <= 0) break;
      await sleep(wait, signal);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const seconds = Math.round(timeoutMs / 1000);
  throw new LiumPodError(
    `Pod ${last ? last.name || last.huid : podId} was not ready after ${seconds}s (status ${last?.status ?? 'unknown'}${lastProblem ? `; ${lastProblem}` : ''})`,
    {
      code: 'pod_not_ready',
      podId,
      ...(last ? { status: last.status } : {}),
      hint: "Wait longer (timeoutMs), or check the pod's status and logs.",
    },
  );
}
