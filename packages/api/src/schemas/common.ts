/**
 * Building blocks for the wire schemas. Objects are `looseObject`s (unknown fields pass through,
 * so a newer server never breaks an older client); optional fields accept `null` or absence and
 * come out as `undefined`, so callers test one thing.
 */
import * as v from 'valibot';

/**
 * The same schema, answering the inputs `fast` recognises without running its layers: `fast`
 * returns `{ value }` when it alone can decide an input is valid, and `undefined` otherwise, in
 * which case `schema` runs as before (so every other input gets exactly its checks and messages).
 * A listing of 1 000 executors holds about 40 000 optional numbers and strings; through the
 * layered schemas they cost 60-240 ms, plain values through the fast path a few.
 */
function withFastPath<TSchema extends v.GenericSchema>(
  schema: TSchema,
  fast: (value: unknown, config: v.Config<v.BaseIssue<unknown>>) => { value: unknown } | undefined,
): TSchema {
  const slow = schema['~run'].bind(schema);
  const faster: TSchema = {
    ...schema,
    '~run'(dataset, config) {
      const hit = fast(dataset.value, config);
      if (hit === undefined) return slow(dataset, config);
      const typed = dataset as { typed: boolean; value: unknown };
      typed.typed = true;
      typed.value = hit.value;
      return dataset as ReturnType<TSchema['~run']>;
    },
  };
  Object.assign(faster, {
    '~standard': {
      ...schema['~standard'],
      validate: (value: unknown) => faster['~run']({ value }, v.getGlobalConfig()),
    },
  });
  return faster;
}

/** Keys valibot never copies from an input object. */
const UNSAFE_KEYS = ['__proto__', 'prototype', 'constructor'] as const;

/**
 * `v.looseObject(entries)` for the large listings (1 000 executors of ~60 fields each): a plain
 * object whose entries all pass is copied with one spread instead of key by key. Any entry
 * with an issue, a missing required key, an array, or a key valibot would drop sends the input
 * through `v.looseObject` itself, so failures read exactly as before. The copy keeps the
 * server's key order (valibot puts the declared keys first); the values are the same.
 */
export function fastLooseObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const keys = Object.keys(entries);
  return withFastPath(v.looseObject(entries), (value, config) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const input = value as Record<string, unknown>;
    for (const key of UNSAFE_KEYS) if (Object.hasOwn(input, key)) return undefined;
    const output: Record<string, unknown> = { ...input };
    for (const key of keys) {
      const schema = entries[key] as v.GenericSchema;
      if (!(key in input)) {
        if (schema.type === 'optional' && !('default' in schema && schema.default !== undefined))
          continue;
        return undefined;
      }
      const dataset = schema['~run']({ value: input[key] }, config);
      if (dataset.issues !== undefined || !dataset.typed) return undefined;
      output[key] = dataset.value;
    }
    return { value: output };
  });
}

/** A JSON number as `v.number()` accepts it (NaN never comes from JSON, but is refused alike). */
const plainNumber = (value: unknown) =>
  typeof value === 'number' && !Number.isNaN(value) ? { value } : undefined;

/** A number, or a numeric string (the API sends e.g. a pod's `gpu_count` as `"8"`). */
export const NumberLike = withFastPath(
  v.pipe(v.union([v.number(), v.pipe(v.string(), v.trim(), v.decimal())]), v.transform(Number)),
  plainNumber,
);

/** A string, or a number/boolean that stands for one (e.g. environment values). */
export const StringLike = v.pipe(
  v.union([v.string(), v.number(), v.boolean()]),
  v.transform(String),
);

/**
 * Optional field: absent or `null` both become `undefined`. Those two, and values `plain`
 * accepts, skip the layers; anything else runs through all of them.
 */
export function opt<TSchema extends v.GenericSchema>(
  schema: TSchema,
  plain?: (value: unknown) => { value: unknown } | undefined,
) {
  return withFastPath(
    v.optional(
      v.pipe(
        v.nullable(schema),
        v.transform((value): v.InferOutput<TSchema> | undefined => value ?? undefined),
      ),
    ),
    (value) => (value === null || value === undefined ? { value: undefined } : plain?.(value)),
  );
}

const plainOf = (type: 'string' | 'boolean') => (value: unknown) =>
  typeof value === type ? { value } : undefined;
const plainString = plainOf('string');
const plainBoolean = plainOf('boolean');

/** A string or a number, kept as it came (CUDA versions arrive as either). */
export const optStringOrNumber = () =>
  opt(v.union([v.string(), v.number()]), (value) =>
    typeof value === 'string' ? { value } : plainNumber(value),
  );

export const optString = () => opt(v.string(), plainString);
export const optNumber = () => opt(NumberLike, plainNumber);
export const optBoolean = () => opt(v.boolean(), plainBoolean);

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
