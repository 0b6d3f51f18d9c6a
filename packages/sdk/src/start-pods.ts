/**
 * Renting several pods as one operation: rent (bounded), schedule their removal, wait until
 * they are usable, and report per pod what happened, including "may have been rented" when an
 * answer was lost. On abort, what was started is stopped and every pod that could not be
 * confirmed gone is reported as such: nothing rented is ever left unaccounted for.
 *
 * Narrow dependencies (the shape of wait-ready.ts): the few `Lium` calls it needs.
 */
import { isLostAnswer } from '@lium/api';
import { sleep } from './abort.ts';
import type { ContainerOverrides } from './container-overrides.ts';
import type { ExecutorInfo, PodInfo } from './models.ts';
import type { CallOptions, StartPodOptions } from './options.ts';
import { settleEach } from './poll.ts';
import { type RemovalSpec, resolveRemovalTime } from './time-spec.ts';
import type { WaitForReadyOptions } from './wait-ready.ts';

/** One pod to rent. */
export interface PodSpec {
  /** The machine, as listed (passing it, not its id, saves listing the market again). */
  executor: ExecutorInfo;
  /** The pod's name; unique names let a lost rent be found again. */
  podName: string;
  /** Default: `template.default_id` from the config, else the default template choice. */
  templateId?: string | undefined;
  /** A volume to attach. */
  volumeId?: string | undefined;
  /** Number of external ports to map. */
  initialPortCount?: number | undefined;
  /** A Dockerfile the node builds instead of a template (see `StartPodOptions`). */
  dockerfileContent?: string | undefined;
  /** Environment, entrypoint, command, ports laid over the template (see `StartPodOptions`). */
  container?: ContainerOverrides | undefined;
}

/** What happened to one {@link PodSpec}; `pod` is set whenever the pod is known to exist. */
export type StartPodOutcome =
  /** Rented and usable (with `wait`). */
  | {
      /** The pod that was asked for. */
      spec: PodSpec;
      /** `ready`: rented and usable. */
      state: 'ready';
      /** The pod, ready. */
      pod: PodInfo;
      /** Absent: nothing failed. */
      error?: undefined;
    }
  /** Rented, not waited for (`wait: false`). */
  | {
      /** The pod that was asked for. */
      spec: PodSpec;
      /** `rented`: rented, not waited for. */
      state: 'rented';
      /** The pod as rented (it may still be starting). */
      pod: PodInfo;
      /** Absent: nothing failed. */
      error?: undefined;
    }
  /** Rented, but scheduling its removal or waiting for it failed: it exists and costs money. */
  | {
      /** The pod that was asked for. */
      spec: PodSpec;
      /** `failed`: the pod exists and costs money, but a later step failed. */
      state: 'failed';
      /** The pod that exists. */
      pod: PodInfo;
      /** What failed after the rent (removal schedule or wait). */
      error: unknown;
    }
  /** The rent was refused: no pod exists. */
  | {
      /** The pod that was asked for. */
      spec: PodSpec;
      /** `not_rented`: the rent was refused. */
      state: 'not_rented';
      /** Absent: no pod exists. */
      pod?: undefined;
      /** Why the rent was refused. */
      error: unknown;
    }
  /** The rent's answer was lost and the pod could not be found: it may exist. */
  | {
      /** The pod that was asked for. */
      spec: PodSpec;
      /** `maybe_rented`: the answer was lost; a pod may exist. */
      state: 'maybe_rented';
      /** Absent: no pod was found. */
      pod?: undefined;
      /** How the rent's answer was lost. */
      error: unknown;
    }
  /** After an abort: it was rented (or may have been) and is confirmed gone now. */
  | {
      /** The pod that was asked for. */
      spec: PodSpec;
      /** `stopped`: after an abort, confirmed gone. */
      state: 'stopped';
      /** The pod that was removed, when it had been seen. */
      pod?: PodInfo | undefined;
      /** Absent: removal was confirmed. */
      error?: undefined;
    }
  /** After an abort: it was rented (or may have been) and could not be confirmed gone. */
  | {
      /** The pod that was asked for. */
      spec: PodSpec;
      /** `unconfirmed`: after an abort, not confirmed gone; check and remove it. */
      state: 'unconfirmed';
      /** The pod, when it had been seen. */
      pod?: PodInfo | undefined;
      /** Why removal could not be confirmed, when known. */
      error?: unknown;
    };

/** Progress of `startPods`, in order for each pod. */
export type StartPodsEvent =
  | {
      /** The rent request is being sent. */
      type: 'renting';
      /** Which pod of the request. */
      spec: PodSpec;
    }
  | {
      /** The rent succeeded. */
      type: 'rented';
      /** Which pod of the request. */
      spec: PodSpec;
      /** The new pod. */
      pod: PodInfo;
    }
  | {
      /** The pod's status changed while waiting. */
      type: 'status';
      /** Which pod of the request. */
      spec: PodSpec;
      /** The pod, with its new status. */
      pod: PodInfo;
    }
  | {
      /** The pod is usable. */
      type: 'ready';
      /** Which pod of the request. */
      spec: PodSpec;
      /** The pod, ready. */
      pod: PodInfo;
    }
  | {
      /** After an abort: removing the pod. */
      type: 'stopping';
      /** Which pod of the request. */
      spec: PodSpec;
      /** The pod, when it had been seen. */
      pod?: PodInfo | undefined;
    }
  | {
      /** After an abort: the pod is gone. */
      type: 'stopped';
      /** Which pod of the request. */
      spec: PodSpec;
      /** The pod, when it had been seen. */
      pod?: PodInfo | undefined;
    };

/** Options of `startPods`. */
export interface StartPodsOptions extends CallOptions {
  /** Wait until every pod is usable (default true). */
  wait?: boolean | undefined;
  /** How long to wait for each pod (default 15 min). */
  waitTimeoutMs?: number | undefined;
  /** Schedule each pod's removal: `{ ttl: '6h' }`, `{ until: 'today 23:00' }` or a Date. */
  removeAfter?: RemovalSpec | Date | undefined;
  /** `error` (default) refuses a name already in use, `create` rents anyway, `reuse` takes it. */
  ifExists?: StartPodOptions['ifExists'];
  /** Called as each pod moves on. */
  onProgress?: ((event: StartPodsEvent) => void) | undefined;
  /** Rents sent at once (default 8). */
  concurrency?: number | undefined;
  /** How long stopping after an abort may take in all (default 30 s). */
  cleanupTimeoutMs?: number | undefined;
}

/** The calls `startPods` makes. */
export interface StartPodsDeps {
  startPod(options: StartPodOptions): Promise<PodInfo>;
  scheduleRemoval(pod: PodInfo, at: Date, options: CallOptions): Promise<void>;
  waitForPodReady(pod: PodInfo, options: WaitForReadyOptions): Promise<PodInfo>;
  stopPod(pod: PodInfo, options: CallOptions): Promise<void>;
  getPodByName(name: string, options: CallOptions): Promise<PodInfo | undefined>;
}

/** The calls of `startPods` made through a `Lium` (or anything with its methods). */
export function startPodsDeps(lium: {
  startPod(options: StartPodOptions): Promise<PodInfo>;
  scheduleRemoval(pod: PodInfo, spec: { until: Date } & CallOptions): Promise<unknown>;
  waitForPodReady(pod: PodInfo, options: WaitForReadyOptions): Promise<PodInfo>;
  stopPod(pod: PodInfo, options: CallOptions): Promise<void>;
  getPodByName(name: string, options: CallOptions): Promise<PodInfo | undefined>;
}): StartPodsDeps {
  return {
    startPod: (o) => lium.startPod(o),
    scheduleRemoval: async (pod, at, o) => {
      await lium.scheduleRemoval(pod, { until: at, signal: o.signal });
    },
    waitForPodReady: (pod, o) => lium.waitForPodReady(pod, o),
    stopPod: (pod, o) => lium.stopPod(pod, o),
    getPodByName: (name, o) => lium.getPodByName(name, o),
  };
}

/** Renting pods wait before the server lists a pod whose rent was cut off mid-request. */
const IN_FLIGHT_LOOKUPS_MS = [0, 1_000, 2_000, 3_000];

/** Waits run at once: they poll, and a pod takes minutes. */
const WAIT_CONCURRENCY = 32;

type Interim =
  | { state: 'rented' | 'ready'; pod: PodInfo }
  | { state: 'failed'; pod: PodInfo; error: unknown }
  | { state: 'not_rented' | 'maybe_rented' | 'cut_off'; error: unknown };

/** The time a removal spec asks for, resolved before anything is rented (a typo costs nothing). */
export function removalTimeOf(spec: RemovalSpec | Date | undefined): Date | undefined {
  if (spec === undefined) return undefined;
  return spec instanceof Date ? spec : resolveRemovalTime(spec);
}

/** Rents every spec; see the module comment. Never throws for one pod: read the outcomes. */
export async function startPods(
  deps: StartPodsDeps,
  specs: readonly PodSpec[],
  options: StartPodsOptions = {},
): Promise<StartPodOutcome[]> {
  const removeAt = removalTimeOf(options.removeAfter);
  const { signal } = options;
  const emit = (event: StartPodsEvent) => options.onProgress?.(event);
  const interim = new Map<PodSpec, Interim>();

  const rents = await settleEach(specs, options.concurrency ?? 8, async (spec) => {
    if (signal?.aborted) return { state: 'not_rented', error: signal.reason } as const;
    emit({ type: 'renting', spec });
    const pod = await deps.startPod({
      executorId: spec.executor,
      podName: spec.podName,
      templateId: spec.templateId,
      volumeId: spec.volumeId,
      initialPortCount: spec.initialPortCount,
      dockerfileContent: spec.dockerfileContent,
      container: spec.container,
      ifExists: options.ifExists ?? 'error',
      signal,
    });
    emit({ type: 'rented', spec, pod });
    return { state: 'rented', pod } as const;
  });
  for (const { item, result, error } of rents) {
    if (result) interim.set(item, result);
    else if (signal?.aborted) interim.set(item, { state: 'cut_off', error });
    else interim.set(item, { state: isLostAnswer(error) ? 'maybe_rented' : 'not_rented', error });
  }

  const rented = specs.filter((spec) => interim.get(spec)?.state === 'rented');
  await settleEach(rented, WAIT_CONCURRENCY, async (spec) => {
    const current = interim.get(spec);
    if (current?.state !== 'rented' || signal?.aborted) return;
    let pod = current.pod;
    try {
      if (removeAt) await deps.scheduleRemoval(pod, removeAt, { signal });
      if (options.wait !== false) {
        pod = await deps.waitForPodReady(pod, {
          timeoutMs: options.waitTimeoutMs ?? 900_000,
          signal,
          onStatus: (now) => emit({ type: 'status', spec, pod: now }),
        });
        interim.set(spec, { state: 'ready', pod });
        emit({ type: 'ready', spec, pod });
      }
    } catch (error) {
      interim.set(spec, { state: 'failed', pod, error });
    }
  });

  if (signal?.aborted) return stopAfterAbort(deps, specs, interim, options);
  return specs.map((spec) => {
    const result = interim.get(spec) as Exclude<Interim, { state: 'cut_off' }>;
    return { spec, ...result } as StartPodOutcome;
  });
}

/**
 * After an abort: stops every pod that exists, looks for the ones whose rent was cut off or
 * lost (the server may have created them), and reports what could not be confirmed gone.
 */
async function stopAfterAbort(
  deps: StartPodsDeps,
  specs: readonly PodSpec[],
  interim: Map<PodSpec, Interim>,
  options: StartPodsOptions,
): Promise<StartPodOutcome[]> {
  const cleanup = AbortSignal.timeout(options.cleanupTimeoutMs ?? 30_000);
  const emit = (event: StartPodsEvent) => options.onProgress?.(event);
  const stop = async (spec: PodSpec, pod: PodInfo): Promise<StartPodOutcome> => {
    emit({ type: 'stopping', spec, pod });
    try {
      await deps.stopPod(pod, { signal: cleanup });
      emit({ type: 'stopped', spec, pod });
      return { spec, state: 'stopped', pod };
    } catch (error) {
      return { spec, state: 'unconfirmed', pod, error };
    }
  };
  const findAndStop = async (spec: PodSpec, cause: unknown): Promise<StartPodOutcome> => {
    emit({ type: 'stopping', spec });
    for (const delay of IN_FLIGHT_LOOKUPS_MS) {
      try {
        await sleep(delay, cleanup);
        const pod = await deps.getPodByName(spec.podName, { signal: cleanup });
        if (pod) return stop(spec, pod);
      } catch (error) {
        return { spec, state: 'unconfirmed', error };
      }
    }
    // Not listed after the lookups: most likely never rented, but not confirmed.
    return { spec, state: 'unconfirmed', error: cause };
  };
  return Promise.all(
    specs.map((spec) => {
      const now = interim.get(spec);
      if (!now) return { spec, state: 'not_rented', error: undefined } as StartPodOutcome;
      switch (now.state) {
        case 'rented':
        case 'ready':
        case 'failed':
          return stop(spec, now.pod);
        case 'cut_off':
        case 'maybe_rented':
          return findAndStop(spec, now.error);
      }
      // 'not_rented' (after the switch, so every path returns a value).
      return { spec, state: 'not_rented', error: now.error } as StartPodOutcome;
    }),
  );
}
