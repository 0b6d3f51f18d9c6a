/**
 * Building blocks for the wire schemas. Objects are `looseObject`s (unknown fields pass through,
 * so a newer server never breaks an older client); optional fields accept `null` or absence and
 * come out as `undefined`, so callers test one thing.
 */
import * as v from 'valibot';

/** A number, or a numeric string (the API sends e.g. a pod's `gpu_count` as `"8"`). */
export const NumberLike = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.trim(), v.decimal())]),
  v.transform(Number),
);

/** A string, or a number/boolean that stands for one (e.g. environment values). */
export const StringLike = v.pipe(
  v.union([v.string(), v.number(), v.boolean()]),
  v.transform(String),
);

/** Optional field: absent or `null` both become `undefined`. */
export function opt<TSchema extends v.GenericSchema>(schema: TSchema) {
  return v.optional(
    v.pipe(
      v.nullable(schema),
      v.transform((value): v.InferOutput<TSchema> | undefined => value ?? undefined),
    ),
  );
}

export const optString = () => opt(v.string());
export const optNumber = () => opt(NumberLike);
export const optBoolean = () => opt(v.boolean());

/**
 * A list the server sends either as a plain array or wrapped as `{"items": [...]}` (restore and
 * backup logs, lium-api.md §2.3.10, §2.8); always returned as an array.
 */
export function listOf<TSchema extends v.GenericSchema>(item: TSchema) {
  return v.pipe(
    v.unknown(),
    v.transform((value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) && 'items' in value
        ? (value as { items: unknown }).items
        : value,
    ),
    v.array(item),
  );
}

const PortRecord = v.record(v.string(), NumberLike);

/**
 * `ports_mapping`: `{"22": 34567, "8000": 40123}`, or the same as a JSON string in older payloads
 * (the [S] model types it `dict | str`; a Python-repr string with single quotes is accepted too),
 * or null/empty before the pod is ready. Always a `Record<string, number>`.
 */
export const PortsMapping = v.pipe(
  v.nullish(v.union([PortRecord, v.string()])),
  v.rawTransform(({ dataset, addIssue, NEVER }): Record<string, number> => {
    const value = dataset.value;
    if (value === null || value === undefined) return {};
    if (typeof value !== 'string') return value;
    if (value.trim() === '') return {};
    const result = v.safeParse(PortRecord, parseLooseJson(value));
    if (result.success) return result.output;
    addIssue({ message: `Invalid ports mapping string ${JSON.stringify(value.slice(0, 80))}` });
    return NEVER;
  }),
);

function parseLooseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/'/g, '"'));
    } catch {
      return undefined;
    }
  }
}
