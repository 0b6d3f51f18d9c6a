import { LiumUsageError } from './errors.ts';
import type { Lium } from './lium.ts';
import type { PodInfo } from './models.ts';
import { resolveRemovalTime } from './time-spec.ts';

/** One pod with a scheduled removal, as the CLI's `schedules` lists them. */
export interface ScheduledRemoval {
  /** The pod, as listed. */
  pod: PodInfo;
  /** When the platform removes the pod (ISO 8601, UTC). */
  at: string;
  /** Milliseconds from `now` until then (0 once due). */
  inMs: number;
  /** USD the pod costs from `now` until its removal at its current price. */
  costUsd: number;
}

/**
 * The pods with a scheduled removal, soonest first: when, how long until then, and what the pod
 * costs until then. Pure: give it the pods (`Lium.listPods`) and the time.
 */
export function scheduledRemovals(
  pods: readonly PodInfo[],
  now: Date = new Date(),
): ScheduledRemoval[] {
  const out: ScheduledRemoval[] = [];
  for (const pod of pods) {
    if (!pod.removalScheduledAt) continue;
    const at = new Date(pod.removalScheduledAt);
    if (Number.isNaN(at.getTime())) continue;
    const inMs = Math.max(0, at.getTime() - now.getTime());
    const costUsd = Math.round(((pod.pricePerHour * inMs) / 3_600_000) * 100) / 100;
    out.push({ pod, at: at.toISOString(), inMs, costUsd });
  }
  return out.sort((a, b) => a.inMs - b.inMs);
}

/** When to remove a pod: exactly one of `in` and `at` (see {@link removalTime}). */
export interface RemovalWhen {
  /** After this long: `2h`, `30m`, `1.5d` (the official `--in`). */
  in?: string | undefined;
  /** At this local time: `today 23:00`, `tomorrow 08:30`, `2026-07-01 18:00`, ISO 8601 (`--at`). */
  at?: string | undefined;
}

/**
 * The removal time `--in`/`--at` ask for (exactly one, in the future), as a Date; send it with
 * `toISOString()`. Throws `time_spec_invalid` / `time_spec_past` (usage errors) otherwise.
 */
export function removalTime(when: RemovalWhen, now: Date = new Date()): Date {
  if ((when.in === undefined) === (when.at === undefined)) {
    throw new LiumUsageError('Give exactly one of --in or --at', {
      code: 'time_spec_invalid',
      hint: 'e.g. `--in 2h` or `--at "today 23:00"`.',
    });
  }
  return when.in !== undefined
    ? resolveRemovalTime({ ttl: when.in }, now)
    : resolveRemovalTime({ until: when.at as string }, now);
}

/** The calls the schedule functions make: a `Lium`'s pods and the REST client's schedule endpoints. */
export interface ScheduleDeps {
  /** Every pod of the account. */
  listPods(options: { signal?: AbortSignal | undefined }): Promise<PodInfo[]>;
  /** `POST /pods/{id}/schedule-removal` (`LiumAPIClient.scheduleRemoval`). */
  scheduleRemoval(
    podId: string,
    at: Date,
    options: { signal?: AbortSignal | undefined },
  ): Promise<unknown>;
  /** `DELETE /pods/{id}/schedule-removal`. */
  cancelScheduledRemoval(
    podId: string,
    options: { signal?: AbortSignal | undefined },
  ): Promise<unknown>;
}

/** Every pod of the account with a scheduled removal ({@link scheduledRemovals}). */
export async function listScheduledRemovals(
  deps: Pick<ScheduleDeps, 'listPods'>,
  options: { signal?: AbortSignal | undefined; now?: Date | undefined } = {},
): Promise<ScheduledRemoval[]> {
  const pods = await deps.listPods({ signal: options.signal });
  return scheduledRemovals(pods, options.now ?? new Date());
}

/** Schedules the pod's removal (`--in 2h` / `--at "today 23:00"`); returns the time set. */
export async function scheduleRemovalOf(
  deps: Pick<ScheduleDeps, 'scheduleRemoval'>,
  pod: PodInfo,
  when: RemovalWhen | Date,
  options: { signal?: AbortSignal | undefined; now?: Date | undefined } = {},
): Promise<Date> {
  const at = when instanceof Date ? when : removalTime(when, options.now ?? new Date());
  await deps.scheduleRemoval(pod.id, at, { signal: options.signal });
  return at;
}

/** Cancels the pod's scheduled removal; false when it had none (nothing was sent). */
export async function cancelRemovalOf(
  deps: Pick<ScheduleDeps, 'cancelScheduledRemoval'>,
  pod: PodInfo,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<boolean> {
  if (!pod.removalScheduledAt) return false;
  await deps.cancelScheduledRemoval(pod.id, { signal: options.signal });
  return true;
}

/** {@link ScheduleDeps} over a `Lium`. */
export async function scheduleDepsOf(lium: Lium): Promise<ScheduleDeps> {
  const api = await lium.getApiClient();
  return {
    listPods: (options) => lium.listPods(options),
    scheduleRemoval: (podId, at, options) =>
      api.scheduleRemoval(podId, { removalScheduledAt: at }, options),
    cancelScheduledRemoval: (podId, options) => api.cancelScheduledRemoval(podId, options),
  };
}
