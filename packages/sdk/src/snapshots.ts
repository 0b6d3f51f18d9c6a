import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lium/config';
import * as v from 'valibot';
import { pruneFiles } from './prune-files.ts';

/**
 * Index snapshots: what the user last saw in `ls` and `ps`, so `up 2` and `exec 1,3` mean the
 * rows on screen and never positions in a fresh, unordered server list (reference §3.7, §6.7).
 *
 * - Executors: `<configDir>/last_selection.json`, the official CLI's file and shape ([L]):
 *   `{ timestamp, executors: [{ id, huid, gpu_type, gpu_count, price_per_hour, location }] }`.
 * - Pods: `<configDir>/last_ps.<shell pid>.json`, one per shell, `{ timestamp, pods: [{ id,
 *   huid, name }] }`, valid for 10 minutes ([N]); a shell without one uses the newest
 *   unexpired snapshot of any shell.
 */
export const EXECUTOR_SNAPSHOT_FILE = 'last_selection.json';
/** How long a pod snapshot is valid, ms (10 minutes). */
export const POD_SNAPSHOT_MAX_AGE_MS = 600_000;

/** One row of `ls` as it was shown. */
export interface ExecutorSnapshotEntry {
  /** The executor's id. */
  id: string;
  /** Its human-readable id (`brave-cat-42`). */
  huid: string;
  /** Its GPU type as shown (`H100`). */
  gpuType: string;
  /** GPUs on it. */
  gpuCount: number;
  /** The machine's price, USD per hour. */
  pricePerHour: number;
  /** Its country, as shown; `Unknown` when the executor has none. */
  location: string;
}

/** The `ls` rows the user last saw, in order: what executor indices refer to. */
export interface ExecutorSnapshot {
  /** When they were listed; undefined when the file has no valid timestamp. */
  takenAt: Date | undefined;
  /** The scope lium wrote it for (see scoped-snapshots.ts); undefined from the Python CLI. */
  scope: string | undefined;
  /** The rows, in the order shown (index 1 is the first). */
  executors: ExecutorSnapshotEntry[];
}

/** One row of `ps` as it was shown. */
export interface PodSnapshotEntry {
  /** The pod's id. */
  id: string;
  /** Its human-readable id. */
  huid: string;
  /** Its name. */
  name: string;
}

/** The `ps` rows a shell last saw, in order: what pod indices refer to. */
export interface PodSnapshot {
  /** When they were listed. */
  takenAt: Date;
  /** The rows, in the order shown (index 1 is the first). */
  pods: PodSnapshotEntry[];
}

/** Python's naive `datetime.now().isoformat()`, which the official CLI writes. */
function localIsoTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `.${pad(date.getMilliseconds(), 3)}000`
  );
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // Missing or unreadable: a snapshot is a convenience, never a reason to fail on its own.
    return undefined;
  }
}

/**
 * The files' shapes. Each is read leniently (a snapshot is a convenience): a row without an `id` is
 * skipped, a missing or odd field gets its default, and a file that is no object reads as none.
 */
const withDefault = <T>(schema: v.GenericSchema<T>, value: T) => v.fallback(schema, value);
const Id = v.pipe(v.string(), v.minLength(1));
const ExecutorRowSchema = v.object({
  id: Id,
  huid: withDefault(v.string(), ''),
  gpu_type: withDefault(v.string(), ''),
  gpu_count: withDefault(v.number(), 0),
  price_per_hour: withDefault(v.number(), 0),
  location: withDefault(v.string(), 'Unknown'),
});
const ExecutorFileSchema = v.object({
  timestamp: v.fallback(v.optional(v.string()), undefined),
  scope: v.fallback(v.optional(v.string()), undefined),
  executors: v.array(v.unknown()),
});
const PodRowSchema = v.object({
  id: Id,
  huid: withDefault(v.string(), ''),
  name: withDefault(v.string(), ''),
});
const PodFileSchema = v.object({ timestamp: v.string(), pods: v.array(v.unknown()) });

/** The rows of `rows` that fit `schema`; the others are dropped. */
function rowsOf<T>(schema: v.GenericSchema<unknown, T>, rows: readonly unknown[]): T[] {
  const parsed: T[] = [];
  for (const row of rows) {
    const result = v.safeParse(schema, row);
    if (result.success) parsed.push(result.output);
  }
  return parsed;
}

function parseDate(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export async function writeExecutorSnapshot(
  configDir: string,
  executors: readonly {
    id: string;
    huid: string;
    gpuType: string;
    gpuCount: number;
    pricePerHour: number;
    location: { country: string | undefined };
  }[],
  now: Date = new Date(),
  scope?: string | undefined,
): Promise<void> {
  const data = {
    timestamp: localIsoTimestamp(now),
    ...(scope === undefined ? {} : { scope }),
    executors: executors.map((e) => ({
      id: e.id,
      huid: e.huid,
      gpu_type: e.gpuType,
      gpu_count: e.gpuCount,
      price_per_hour: e.pricePerHour,
      location: e.location.country ?? 'Unknown',
    })),
  };
  await writeFileAtomic(
    join(configDir, EXECUTOR_SNAPSHOT_FILE),
    `${JSON.stringify(data, null, 2)}\n`,
    // What `lium ls` showed: a power cut may roll it back to the previous listing, no harm.
    { durable: false },
  );
}

export async function readExecutorSnapshot(
  configDir: string,
): Promise<ExecutorSnapshot | undefined> {
  const file = v.safeParse(
    ExecutorFileSchema,
    await readJson(join(configDir, EXECUTOR_SNAPSHOT_FILE)),
  );
  if (!file.success) return undefined;
  const data = file.output;
  const executors = rowsOf(ExecutorRowSchema, data.executors).map(
    (row): ExecutorSnapshotEntry => ({
      id: row.id,
      huid: row.huid,
      gpuType: row.gpu_type,
      gpuCount: row.gpu_count,
      pricePerHour: row.price_per_hour,
      location: row.location,
    }),
  );
  return { takenAt: parseDate(data.timestamp), scope: data.scope, executors };
}

const POD_SNAPSHOT_NAME = /^last_ps\.\d+\.json$/;

export function podSnapshotFile(configDir: string, shellPid: number): string {
  return join(configDir, `last_ps.${shellPid}.json`);
}

export async function writePodSnapshot(
  configDir: string,
  pods: readonly PodSnapshotEntry[],
  options: { shellPid: number; now?: Date },
): Promise<void> {
  const now = options.now ?? new Date();
  const file = podSnapshotFile(configDir, options.shellPid);
  const data = {
    timestamp: now.toISOString(),
    pods: pods.map((p) => ({ id: p.id, huid: p.huid, name: p.name })),
  };
  await writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, { durable: false });
  // Other shells' expired snapshots, so the directory does not fill up.
  await pruneFiles(
    configDir,
    POD_SNAPSHOT_NAME,
    file,
    (_, age) => age > POD_SNAPSHOT_MAX_AGE_MS,
    now,
  );
}

/** The pod snapshot of this shell, or undefined when there is none; `expired` past 10 minutes. */
export async function readPodSnapshot(
  configDir: string,
  options: { shellPid: number; now?: Date; maxAgeMs?: number },
): Promise<(PodSnapshot & { expired: boolean }) | undefined> {
  return readPodSnapshotFile(podSnapshotFile(configDir, options.shellPid), options);
}

/**
 * The newest unexpired pod snapshot of any shell, or undefined. The fallback for a shell that
 * has none of its own: `timeout 20 lium exec 1 …` or a harness running each command through a
 * fresh `sh -c` has a different parent than the `lium ps` before it.
 */
export async function readNewestPodSnapshot(
  configDir: string,
  options: { now?: Date; maxAgeMs?: number } = {},
): Promise<PodSnapshot | undefined> {
  let names: string[];
  try {
    names = await readdir(configDir);
  } catch {
    return undefined;
  }
  const snapshots = await Promise.all(
    names
      .filter((name) => POD_SNAPSHOT_NAME.test(name))
      .map((name) => readPodSnapshotFile(join(configDir, name), options)),
  );
  let newest: PodSnapshot | undefined;
  for (const snapshot of snapshots) {
    if (!snapshot || snapshot.expired) continue;
    if (!newest || snapshot.takenAt > newest.takenAt) newest = snapshot;
  }
  return newest;
}

async function readPodSnapshotFile(
  file: string,
  options: { now?: Date; maxAgeMs?: number },
): Promise<(PodSnapshot & { expired: boolean }) | undefined> {
  const parsed = v.safeParse(PodFileSchema, await readJson(file));
  const takenAt = parsed.success ? parseDate(parsed.output.timestamp) : undefined;
  if (!parsed.success || !takenAt) return undefined;
  const pods: PodSnapshotEntry[] = rowsOf(PodRowSchema, parsed.output.pods);
  const age = (options.now ?? new Date()).getTime() - takenAt.getTime();
  return { takenAt, pods, expired: age > (options.maxAgeMs ?? POD_SNAPSHOT_MAX_AGE_MS) };
}
