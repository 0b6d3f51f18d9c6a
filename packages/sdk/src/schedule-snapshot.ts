/**
 * The rows `lium schedules` last showed, so that `schedules rm 2` cancels the pod the user saw as
 * row 2, not whatever is row 2 now (reference §3.7: the official CLI numbers its schedules list).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lium/config';
import type { PodInfo } from './models.ts';
import type { ScheduledRemoval } from './schedules.ts';
import { resolveTargets } from './targets.ts';

/** `~/.lium/last_schedules.json`: the pod ids of the last schedules listing, in order. */
export const SCHEDULE_SNAPSHOT_FILE = 'last_schedules.json';

/** Remembers the scheduled removals as shown (for `schedules rm 2`). */
export async function writeScheduleSnapshot(
  configDir: string,
  removals: readonly ScheduledRemoval[],
  now: Date = new Date(),
): Promise<void> {
  const data = {
    timestamp: now.toISOString(),
    schedules: removals.map((r) => ({ pod_id: r.pod.id, huid: r.pod.huid, removal_at: r.at })),
  };
  await writeFileAtomic(
    join(configDir, SCHEDULE_SNAPSHOT_FILE),
    `${JSON.stringify(data, null, 2)}\n`,
  );
}

/** The pod ids of the last schedules listing, in order; undefined when there is none. */
export async function readScheduleSnapshot(configDir: string): Promise<string[] | undefined> {
  try {
    const data = JSON.parse(await readFile(join(configDir, SCHEDULE_SNAPSHOT_FILE), 'utf8')) as {
      schedules?: { pod_id?: unknown }[];
    };
    if (!Array.isArray(data.schedules)) return undefined;
    return data.schedules.flatMap((s) => (typeof s.pod_id === 'string' ? [s.pod_id] : []));
  } catch {
    return undefined;
  }
}

/**
 * The pods an index spec (`2`, `1,3`, `1-2`) names in the last schedules listing, checked
 * against the pods that have a removal scheduled now: a row whose pod is gone or no longer
 * scheduled fails with `target_not_found` rather than naming another pod.
 */
export function resolveScheduledTargets(
  spec: string,
  scheduledNow: readonly PodInfo[],
  snapshot: readonly string[] | undefined,
  /** How the user's tool lists them, for the error's hint (the CLI passes its command). */
  listCommand = 'listScheduledRemovals()',
): PodInfo[] {
  return resolveTargets(spec, {
    noun: 'scheduled removal',
    live: scheduledNow,
    snapshot,
    listCommand,
    allowAll: false,
  });
}
