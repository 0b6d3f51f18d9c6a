/** Your pods: look-up, stop, reboot, scheduled removal, logs, readiness, Jupyter. */
import { isLiumError } from '@lium/errors';
import type { LiumCore } from './core.ts';
import { LiumPodError, LiumTargetError, LiumUsageError } from './errors.ts';
import { type PodInfo, toPodInfo } from './models.ts';
import type { CallOptions, PodRef } from './options.ts';
import {
  DEFAULT_IDLE_AFTER_MS,
  podIdleness as idlenessOf,
  type PodIdleness,
  readPodActivity,
} from './pod-activity.ts';
import { sshTarget } from './ssh-target.ts';
import { resolveText } from './targets.ts';
import { parseDuration, type RemovalSpec, resolveRemovalTime } from './time-spec.ts';
import { type WaitForReadyOptions, waitForPodReady as waitUntilReady } from './wait-ready.ts';

const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isNotFound(error: unknown): boolean {
  return isLiumError(error) && error.code === 'not_found';
}

export async function listPods(core: LiumCore, options?: CallOptions): Promise<PodInfo[]> {
  const pods = (await (await core.api()).getPods({ signal: options?.signal })).map(toPodInfo);
  return pods.sort(
    (a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id),
  );
}

export async function getPod(core: LiumCore, ref: PodRef, options?: CallOptions): Promise<PodInfo> {
  const api = await core.api();
  const text = typeof ref === 'string' ? ref.trim() : ref.id;
  if (UUID_LIKE.test(text) || typeof ref !== 'string') {
    try {
      return toPodInfo(await api.getPod(text, { signal: options?.signal }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (typeof ref !== 'string') {
        throw new LiumTargetError(`Pod ${ref.name || ref.huid} no longer exists`, {
          code: 'target_not_found',
          hint: 'List your pods (lium.listPods()) to see what exists.',
        });
      }
    }
  }
  return resolveText(text, await listPods(core, options), 'pod');
}

export async function getPodByName(
  core: LiumCore,
  name: string,
  options?: CallOptions,
): Promise<PodInfo | undefined> {
  const matches = (await listPods(core, options)).filter((p) => p.name === name);
  if (matches.length > 1) {
    throw new LiumTargetError(`${matches.length} pods are named "${name}"`, {
      code: 'target_ambiguous',
      hint: `Use an id: ${matches.map((p) => `${p.id} (${p.huid})`).join(', ')}`,
      candidates: matches.map((p) => `${p.huid} (${p.name})`),
    });
  }
  return matches[0];
}

/** The pod a reference names (a PodInfo as given, a string looked up). */
export async function podOf(core: LiumCore, ref: PodRef, options?: CallOptions): Promise<PodInfo> {
  return typeof ref === 'string' ? getPod(core, ref, options) : ref;
}

export async function waitForPodReady(
  core: LiumCore,
  pod: PodRef,
  options: WaitForReadyOptions = {},
): Promise<PodInfo> {
  const api = await core.api();
  const podId = typeof pod === 'string' ? (await getPod(core, pod, options)).id : pod.id;
  // Load the SSH runtime (ssh2, the key) while the pod starts, so the handshake at RUNNING does
  // not wait for it; a failure here shows again, with its reason, at the handshake.
  void Promise.resolve()
    .then(() => core.pool())
    .catch(() => {});
  return waitUntilReady(
    podId,
    {
      fetchPod: async (id, signal) => {
        try {
          return toPodInfo(await api.getPod(id, { signal }));
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      },
      failureCause: async (id, signal) => {
        const events = await api.getPodEvents(id, { signal, maxRetries: 0 });
        const failed = events.findLast((e) => e.error) ?? events.at(-1);
        return failed?.error ?? failed?.detail ?? undefined;
      },
      handshake: async (ready, timeoutMs, signal) => {
        await (await core.pool()).exec(sshTarget(ready), 'true', { timeoutMs, signal });
      },
    },
    {
      pollIntervalMs: core.options.pollIntervalMs,
      maxPollIntervalMs: core.options.maxPollIntervalMs,
      ...options,
    },
  );
}

async function forgetHost(core: LiumCore, podId: string): Promise<void> {
  try {
    await (await core.pool()).forgetHostKey(podId);
  } catch {
    // No SSH key configured: nothing was pinned by this instance's pool either way.
  }
}

export async function stopPod(core: LiumCore, pod: PodRef, options?: CallOptions): Promise<void> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  try {
    await api.deletePod(target.id, { signal: options?.signal });
  } catch (error) {
    // A PodInfo names a pod that existed: if it is gone now, stopping it has succeeded
    // (a retried stop must not fail, reference §6.5). A string that names nothing failed
    // already in podOf.
    if (!(isNotFound(error) && typeof pod !== 'string')) throw error;
  }
  await forgetHost(core, target.id);
}

export async function rebootPod(
  core: LiumCore,
  pod: PodRef,
  options: CallOptions & { volumeId?: string | undefined } = {},
): Promise<PodInfo> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  await api.rebootPod(target.id, { volumeId: options.volumeId }, { signal: options.signal });
  await forgetHost(core, target.id);
  return getPod(core, target.id, options);
}

export async function scheduleRemoval(
  core: LiumCore,
  pod: PodRef,
  spec: RemovalSpec & CallOptions,
): Promise<Date> {
  const api = await core.api();
  const target = await podOf(core, pod, spec);
  const at = resolveRemovalTime(spec);
  await api.scheduleRemoval(target.id, { removalScheduledAt: at }, { signal: spec.signal });
  return at;
}

export async function cancelScheduledRemoval(
  core: LiumCore,
  pod: PodRef,
  options?: CallOptions,
): Promise<void> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  await api.cancelScheduledRemoval(target.id, { signal: options?.signal });
}

export async function* streamLogs(
  core: LiumCore,
  pod: PodRef,
  options: StreamLogsOptions = {},
): AsyncGenerator<string> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  yield* api.streamPodLogs(
    target.id,
    { tail: options.tail, follow: options.follow },
    { signal: options.signal },
  );
}

/** Options of {@link Lium.streamLogs}. */
export interface StreamLogsOptions extends CallOptions {
  /** Lines of history to start with; default the server's (100). */
  tail?: number | undefined;
  /** Keep the stream open for new lines until aborted; default false. */
  follow?: boolean | undefined;
}

/** Options of {@link Lium.installJupyter}. */
export interface InstallJupyterOptions extends CallOptions {
  /** The pod's internal port Jupyter listens on; default the first mapped port besides 22. */
  port?: number | undefined;
  /** Poll until the installation finishes; default true. */
  wait?: boolean | undefined;
  /** How long `wait` waits, ms; default 120 000. */
  timeoutMs?: number | undefined;
}

export async function installJupyter(
  core: LiumCore,
  pod: PodRef,
  options: InstallJupyterOptions = {},
): Promise<PodInfo> {
  const api = await core.api();
  const target = await podOf(core, pod, options);
  const port =
    options.port ??
    Number(Object.keys(target.ports).find((internal) => internal !== '22') ?? Number.NaN);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new LiumUsageError(
      options.port === undefined
        ? `Pod ${target.huid} has no mapped port besides 22 for Jupyter`
        : `Invalid Jupyter port ${options.port}`,
      { code: 'port_invalid', hint: 'Pass a port between 1 and 65535 that the template exposes.' },
    );
  }
  await api.installJupyter(target.id, { jupyterInternalPort: port }, { signal: options.signal });
  if (options.wait === false) return getPod(core, target.id, options);
  const installed = await core.poll(options.timeoutMs ?? 120_000, options.signal, async () => {
    const now = await getPod(core, target.id, options);
    const status = (now.jupyterInstallationStatus ?? '').toUpperCase();
    if (status === 'SUCCESS') return now;
    if (status === 'FAILED') {
      throw new LiumPodError(`Jupyter installation failed on pod ${now.huid}`, {
        code: 'pod_failed',
        podId: now.id,
        status: now.status,
        hint: 'Check the pod logs (lium.streamLogs(pod)) and try another port.',
      });
    }
    return undefined;
  });
  if (installed) return installed;
  throw new LiumPodError(`Jupyter did not come up on pod ${target.huid} in time`, {
    code: 'pod_not_ready',
    podId: target.id,
  });
}

/**
 * Which of `list` are idle (see pod-activity.ts): the threshold is `idleAfterMs`, else the
 * `budget.idle_after` setting, else 2 h. Flushes this instance's pending activity first.
 */
export async function podIdleness(
  core: LiumCore,
  list: readonly PodInfo[],
  options: { idleAfterMs?: number | undefined } = {},
): Promise<Map<string, PodIdleness>> {
  const settings = await core.settings();
  const idleAfterMs =
    options.idleAfterMs ??
    (settings.idleAfter
      ? parseDuration(settings.idleAfter, { seconds: true })
      : DEFAULT_IDLE_AFTER_MS);
  await core.activity.flush();
  const activity = await readPodActivity(settings.configDir);
  const now = Date.now();
  return new Map(
    list.map((pod) => [pod.id, idlenessOf(pod, activity.get(pod.id), idleAfterMs, now)]),
  );
}
