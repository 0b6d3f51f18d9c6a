/**
 * When this machine last used each pod (an SSH session, a command, a transfer through the SDK),
 * so that `lium ps` can mark pods nobody uses that keep billing, and `lium down --idle 2h` can
 * stop exactly those. A pod counts as idle when it is running, has no removal scheduled, and
 * neither its last use from here nor (never used) its start is more recent than the threshold.
 *
 * File: `<profile state dir>/pod_activity.json` = `{ "<pod id>": "<ISO time>" }`; entries older
 * than 30 days are dropped on the next write.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lium/config';
import type { PodInfo } from './models.ts';

/** Name of the file, in the profile's state directory, that records each pod's last use. */
export const POD_ACTIVITY_FILE = 'pod_activity.json';

/** The idle threshold without `budget.idle_after`. */
export const DEFAULT_IDLE_AFTER_MS = 2 * 3_600_000;

const KEEP_MS = 30 * 86_400_000;

/** Whether a pod is idle, and since when it was last used or started. */
export interface PodIdleness {
  /** True when the pod is running, has no removal scheduled, and was not used or started within the threshold. */
  idle: boolean;
  /** Its last use from this machine, if any was recorded. */
  lastActivityAt: Date | undefined;
  /** Milliseconds since its last use (or, never used, its start); undefined when unknown. */
  idleMs: number | undefined;
}

/** The recorded last use of each pod id. */
export async function readPodActivity(stateDir: string): Promise<Map<string, Date>> {
  let text: string;
  try {
    text = await readFile(join(stateDir, POD_ACTIVITY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const activity = new Map<string, Date>();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') {
      for (const [id, at] of Object.entries(parsed)) {
        const date = typeof at === 'string' ? new Date(at) : undefined;
        if (date && !Number.isNaN(date.getTime())) activity.set(id, date);
      }
    }
  } catch {
    // A damaged file only loses the record: nothing is idle-marked wrongly for long.
  }
  return activity;
}

/** Records that these pods were used now. */
export async function recordPodActivity(
  stateDir: string,
  podIds: Iterable<string>,
  now: Date = new Date(),
): Promise<void> {
  const activity = await readPodActivity(stateDir);
  for (const id of podIds) activity.set(id, now);
  const kept: Record<string, string> = {};
  for (const [id, at] of activity) {
    if (now.getTime() - at.getTime() <= KEEP_MS) kept[id] = at.toISOString();
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(stateDir, POD_ACTIVITY_FILE), `${JSON.stringify(kept, null, 2)}\n`, {
    mode: 0o600,
    // Last-use bookkeeping after every SSH command: atomic, without two fsyncs on its way out.
    durable: false,
  });
}

/** Whether `pod` is idle at `now` for the threshold (see the module comment). */
export function podIdleness(
  pod: PodInfo,
  lastActivityAt: Date | undefined,
  idleAfterMs: number,
  now: number = Date.now(),
): PodIdleness {
  const started = pod.createdAt ? Date.parse(pod.createdAt) : Number.NaN;
  const basis = lastActivityAt?.getTime() ?? (Number.isNaN(started) ? undefined : started);
  const idleMs = basis === undefined ? undefined : Math.max(0, now - basis);
  const idle =
    pod.status.toUpperCase() === 'RUNNING' &&
    !pod.removalScheduledAt &&
    idleMs !== undefined &&
    idleMs >= idleAfterMs;
  return { idle, lastActivityAt, idleMs };
}

/**
 * Collects pod uses of one `Lium` and writes them in the background, one write at a time (a
 * command on 64 pods is one write, not 64 racing ones); `flush()` waits for what is pending.
 */
export class PodActivityRecorder {
  readonly #stateDir: () => Promise<string>;
  readonly #pending = new Set<string>();
  #writing: Promise<void> = Promise.resolve();

  constructor(stateDir: () => Promise<string>) {
    this.#stateDir = stateDir;
  }

  note(podId: string): void {
    const first = this.#pending.size === 0;
    this.#pending.add(podId);
    if (!first) return;
    this.#writing = this.#writing.then(async () => {
      const ids = [...this.#pending];
      this.#pending.clear();
      try {
        await recordPodActivity(await this.#stateDir(), ids);
      } catch {
        // Bookkeeping must never fail the command that used the pod.
      }
    });
  }

  flush(): Promise<void> {
    return this.#writing;
  }
}
