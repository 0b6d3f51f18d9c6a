import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lium/config';
import { LiumUsageError } from './errors.ts';
import type { Lium } from './lium.ts';
import type { VolumeInfo } from './models.ts';
import { resolveTargets } from './targets.ts';

/** For the CLI's `up --volume …`: attach an existing volume, or create one for this pod. */
export type VolumeSpec =
  | {
      /** Attach a volume that exists. */
      kind: 'existing';
      /** Its id, HUID or name. */
      ref: string;
    }
  | {
      /** Create a volume for this pod. */
      kind: 'new';
      /** The new volume's name. */
      name: string;
      /** Its description; may be empty. */
      description: string;
    };

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function invalid(spec: string, why: string): LiumUsageError {
  return new LiumUsageError(`Invalid --volume "${spec}": ${why}`, {
    code: 'usage_error',
    hint: 'Use `id:<HUID|id>` for a volume you have or `new:name=NAME[,desc=TEXT]`.',
  });
}

/**
 * Parses `id:<HUID|id>` or `new:name=NAME[,desc=TEXT]` (the official `--volume` forms). Pure;
 * throws a usage error (`usage_error`) naming what was wrong.
 */
export function parseVolumeSpec(spec: string): VolumeSpec {
  const text = spec.trim();
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon).toLowerCase();
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (kind === 'id') {
    const ref = rest.trim();
    if (ref === '' || /[\s,]/.test(ref)) throw invalid(spec, 'name one volume after `id:`');
    return { kind: 'existing', ref };
  }
  if (kind === 'new') {
    const fields = new Map<string, string>();
    // desc may contain commas: everything after `desc=` is the description.
    const descAt = rest.search(/(^|,)desc=/);
    const head = descAt < 0 ? rest : rest.slice(0, descAt);
    const desc =
      descAt < 0 ? undefined : rest.slice(descAt).replace(/^,/, '').slice('desc='.length);
    for (const part of head.split(',').filter((p) => p.trim() !== '')) {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part.trim() : part.slice(0, eq).trim();
      if (eq < 0 || key !== 'name') throw invalid(spec, `unknown field "${key}" (name, desc)`);
      if (fields.has(key)) throw invalid(spec, 'name is given twice');
      fields.set(key, part.slice(eq + 1).trim());
    }
    const name = fields.get('name');
    if (name === undefined || name === '') throw invalid(spec, '`new:` needs name=NAME');
    if (!VOLUME_NAME.test(name)) {
      throw invalid(spec, `"${name}" is not a valid name (letters, digits, ".", "_", "-"; ≤ 64)`);
    }
    return { kind: 'new', name, description: desc?.trim() ?? '' };
  }
  throw invalid(spec, 'it must start with `id:` or `new:`');
}

/** `~/.lium/last_volumes.json`, as the official client writes it (reference §3.7). */
export const VOLUME_SNAPSHOT_FILE = 'last_volumes.json';

/** Remembers the volumes as shown (for the CLI's `volumes rm 2`, `--volume id:2`). */
export async function writeVolumeSnapshot(
  configDir: string,
  volumes: readonly VolumeInfo[],
  now: Date = new Date(),
): Promise<void> {
  const data = {
    timestamp: now.toISOString(),
    volumes: volumes.map((v) => ({
      id: v.id,
      huid: v.huid,
      name: v.name,
      description: v.description,
      current_size_gb: v.sizeGb,
    })),
  };
  await writeFileAtomic(
    join(configDir, VOLUME_SNAPSHOT_FILE),
    `${JSON.stringify(data, null, 2)}\n`,
  );
}

/** The volume ids of the last volumes listing, in order; undefined when there is none. */
export async function readVolumeSnapshot(configDir: string): Promise<string[] | undefined> {
  try {
    const data = JSON.parse(await readFile(join(configDir, VOLUME_SNAPSHOT_FILE), 'utf8')) as {
      volumes?: { id?: unknown }[];
    };
    if (!Array.isArray(data.volumes)) return undefined;
    return data.volumes.flatMap((v) => (typeof v.id === 'string' ? [v.id] : []));
  } catch {
    return undefined;
  }
}

/**
 * The volumes a target spec names (`2`, `1,3`, `1-2`, a HUID, a name, an id); indices count in
 * `snapshot` (the last volumes listing). Throws `target_not_found` listing what exists.
 */
export function resolveVolumeTargets(
  spec: string,
  live: readonly VolumeInfo[],
  snapshot: readonly string[] | undefined,
): VolumeInfo[] {
  return resolveTargets(spec, {
    noun: 'volume',
    live,
    snapshot,
    listCommand: 'listVolumes()',
    allowAll: false,
  });
}

/** The volume calls {@link volumeForRent} and friends use; {@link volumeDepsOf} builds them from a `Lium`. */
export interface VolumeDeps {
  /** The account's volumes. */
  listVolumes(options: { signal?: AbortSignal | undefined }): Promise<VolumeInfo[]>;
  /** Creates a volume. */
  createVolume(
    volume: { name: string; description?: string | undefined },
    options: { signal?: AbortSignal | undefined },
  ): Promise<VolumeInfo>;
  /** Deletes a volume by id. */
  deleteVolume(id: string, options: { signal?: AbortSignal | undefined }): Promise<void>;
}

/** {@link VolumeDeps} over a `Lium`. */
export function volumeDepsOf(lium: Lium): VolumeDeps {
  return {
    listVolumes: (options) => lium.listVolumes(options),
    createVolume: (volume, options) => lium.createVolume(volume, options),
    deleteVolume: (id, options) => lium.deleteVolume(id, options),
  };
}

/**
 * The volume to attach at rent for a `--volume` spec: an existing one found by HUID, name, id
 * (or index of the last volumes listing), or a new one created now. `created` says which, so
 * a failed rent can offer to delete what it created.
 */
export async function volumeForRent(
  deps: Pick<VolumeDeps, 'listVolumes' | 'createVolume'>,
  spec: VolumeSpec | string,
  options: { signal?: AbortSignal | undefined; snapshot?: readonly string[] | undefined } = {},
): Promise<{
  /** The volume to attach. */
  volume: VolumeInfo;
  /** True when it was created by this call (remove it if the rent fails). */
  created: boolean;
}> {
  const parsed = typeof spec === 'string' ? parseVolumeSpec(spec) : spec;
  const call = { signal: options.signal };
  if (parsed.kind === 'new') {
    const existing = (await deps.listVolumes(call)).find((v) => v.name === parsed.name);
    if (existing) {
      throw new LiumUsageError(`A volume named "${parsed.name}" exists already`, {
        code: 'volume_exists',
        hint: `Attach it with \`--volume id:${existing.huid}\`, or pick another name.`,
      });
    }
    const volume = await deps.createVolume(
      { name: parsed.name, description: parsed.description },
      call,
    );
    return { volume, created: true };
  }
  const volumes = resolveVolumeTargets(parsed.ref, await deps.listVolumes(call), options.snapshot);
  if (volumes.length !== 1 || volumes[0] === undefined) {
    throw invalid(`id:${parsed.ref}`, `it names ${volumes.length} volumes; a pod takes one`);
  }
  return { volume: volumes[0], created: false };
}
