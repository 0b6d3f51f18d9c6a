/**
 * Building blocks for the wire schemas. Objects are `looseObject`s (unknown fields pass through,
 * so a newer server never breaks an older client); optional fields accept `null` or absence and
 * come out as `undefined`, so callers test one thing.
 */
import * as v from 'valibot';

/** What a fast check answers when it cannot decide alone: the schema's own layers run then. */
const UNDECIDED: unique symbol = Symbol('undecided');

/**
 * A fast check: the output for an input it can vouch for, else {@link UNDECIDED}. It never
 * reports issues; anything it does not vouch for goes through the valibot layers.
 */
type FastCheck = (value: unknown, config: Config) => unknown;
type Config = v.Config<v.BaseIssue<unknown>>;

/** Where a schema made by {@link withFastPath} keeps its fast check, for the schemas around it. */
const FAST = Symbol('fast check');

let fastPathsOn = true;

/**
 * Runs `run` with every fast path off, so each schema runs its valibot layers alone: what the
 * tests compare the fast paths with. Not exported from the package.
 */
export function withoutFastPaths<T>(run: () => T): T {
  fastPathsOn = false;
  try {
    return run();
  } finally {
    fastPathsOn = true;
  }
}

/** A JSON number as `v.number()` accepts it (NaN never comes from JSON, but is refused alike). */
const plainNumber = (value: unknown): unknown =>
  typeof value === 'number' && !Number.isNaN(value) ? value : UNDECIDED;
const plainString = (value: unknown): unknown => (typeof value === 'string' ? value : UNDECIDED);
const plainBoolean = (value: unknown): unknown => (typeof value === 'boolean' ? value : UNDECIDED);

/**
 * Which JSON primitives a schema passes through unchanged, as bits: a value of such a type is
 * checked with one `typeof` in the loops below, no call at all (most of a listing's values).
 */
const AS_IS_STRING = 1;
const AS_IS_NUMBER = 2;
const AS_IS_BOOLEAN = 4;

/** Where a schema made by {@link withFastPath} keeps its {@link AS_IS_STRING}-style bits. */
const AS_IS = Symbol('as is');

/** Whether `value` is of a type the `asIs` bits say passes unchanged (NaN never does). */
function passesAsIs(asIs: number, value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return (asIs & AS_IS_STRING) !== 0;
    case 'number':
      return (asIs & AS_IS_NUMBER) !== 0 && !Number.isNaN(value);
    case 'boolean':
      return (asIs & AS_IS_BOOLEAN) !== 0;
    default:
      return false;
  }
}

/**
 * The same schema, answering the inputs `fast` recognises without running its layers: `fast`
 * returns the output when it alone can decide an input is valid, and {@link UNDECIDED}
 * otherwise, in which case `schema` runs as before (so every other input gets exactly its checks
 * and messages). A listing of 1 000 executors holds about 100 000 values; through the layered
 * schemas (a dataset object per value) they cost 60-240 ms, through the fast checks a few.
 * `asIs`: the primitive types `fast` returns unchanged (see {@link AS_IS_STRING}).
 */
function withFastPath<TSchema extends v.GenericSchema>(
  schema: TSchema,
  fast: FastCheck,
  asIs = 0,
): TSchema {
  const slow = schema['~run'].bind(schema);
  const faster: TSchema = {
    ...schema,
    [FAST]: fast,
    [AS_IS]: asIs,
    '~run'(dataset, config) {
      if (!fastPathsOn) return slow(dataset, config);
      const output = fast(dataset.value, config);
      if (output === UNDECIDED) return slow(dataset, config);
      const typed = dataset as { typed: boolean; value: unknown };
      typed.typed = true;
      typed.value = output;
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

/** A plain `v.string()`/`v.number()`/`v.boolean()` (no pipe): a `typeof` check is all it does. */
function isPlain(schema: v.GenericSchema, type: 'string' | 'number' | 'boolean'): boolean {
  return schema.type === type && !('pipe' in schema);
}

/** What a schema passes unchanged: its own bits, or those of a plain string/number/boolean. */
function asIsOf(schema: v.GenericSchema): number {
  const own = (schema as { [AS_IS]?: number })[AS_IS];
  if (own !== undefined) return own;
  if (isPlain(schema, 'string')) return AS_IS_STRING;
  if (isPlain(schema, 'number')) return AS_IS_NUMBER;
  if (isPlain(schema, 'boolean')) return AS_IS_BOOLEAN;
  return 0;
}

/**
 * The fast check of any schema: its own when {@link withFastPath} made it, a `typeof` for plain
 * strings, numbers and booleans, an element-wise one for a plain array; else none.
 */
function fastOf(schema: v.GenericSchema): FastCheck | undefined {
  const own = (schema as { [FAST]?: FastCheck })[FAST];
  if (own) return own;
  if (isPlain(schema, 'string')) return plainString;
  if (isPlain(schema, 'number')) return plainNumber;
  if (isPlain(schema, 'boolean')) return plainBoolean;
  if (schema.type === 'array' && !('pipe' in schema)) {
    const item = (schema as unknown as { item: v.GenericSchema }).item;
    return arrayCheck(item);
  }
  return undefined;
}

/** How the loops below check one value against a schema, taken apart once per schema. */
interface Step {
  schema: v.GenericSchema;
  asIs: number;
  fast: FastCheck | undefined;
}

function stepOf(schema: v.GenericSchema): Step {
  return { schema, asIs: asIsOf(schema), fast: fastOf(schema) };
}

/**
 * A value that did not pass as it is: the step's fast check, then its layers when that cannot
 * decide. The output, or {@link UNDECIDED} when the layers report an issue.
 */
function checkSlower(step: Step, value: unknown, config: Config): unknown {
  if (step.fast) {
    const output = step.fast(value, config);
    if (output !== UNDECIDED) return output;
  }
  const dataset = step.schema['~run']({ value }, config);
  return dataset.issues === undefined && dataset.typed ? dataset.value : UNDECIDED;
}

/**
 * An array, element by element. The input array itself is returned when no element changed
 * (the body was parsed for this call alone); a changed element gets a copy.
 */
function arrayCheck(item: v.GenericSchema): FastCheck {
  const step = stepOf(item);
  return (value, config) => {
    if (!Array.isArray(value)) return UNDECIDED;
    let output: unknown[] = value;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (passesAsIs(step.asIs, element)) continue;
      const checked = checkSlower(step, element, config);
      if (checked === UNDECIDED) return UNDECIDED;
      if (checked !== element) {
        if (output === value) output = value.slice();
        output[i] = checked;
      }
    }
    return output;
  };
}

/** Keys valibot never copies from an input object. */
const UNSAFE_KEYS = ['__proto__', 'prototype', 'constructor'] as const;

/**
 * `v.looseObject(entries)` for the large listings (1 000 executors of ~100 values each), checked
 * in one pass with no dataset per value: an object whose entries all pass comes out as the
 * input object itself when no value changed, else as one spread copy with the changed values
 * (`null` → `undefined`, `"8"` → `8`). Any entry with an issue, a missing required key, an
 * array, or a key valibot would drop sends the input through `v.looseObject` itself, so
 * failures read exactly as before. The output keeps the server's key order (valibot puts the
 * declared keys first); the values are the same.
 */
export function fastLooseObject<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const fields = Object.keys(entries).map((key) => {
    const schema = entries[key] as v.GenericSchema;
    const absentOk =
      schema.type === 'optional' && !('default' in schema && schema.default !== undefined);
    return { key, absentOk, ...stepOf(schema) };
  });
  return withFastPath(v.looseObject(entries), (value, config) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return UNDECIDED;
    const input = value as Record<string, unknown>;
    for (const key of UNSAFE_KEYS) if (Object.hasOwn(input, key)) return UNDECIDED;
    let output = input;
    for (const field of fields) {
      const had = input[field.key];
      if (passesAsIs(field.asIs, had)) continue;
      if (had === undefined && !(field.key in input)) {
        if (field.absentOk) continue;
        return UNDECIDED;
      }
      const checked = checkSlower(field, had, config);
      if (checked === UNDECIDED) return UNDECIDED;
      if (checked !== had) {
        if (output === input) output = { ...input };
        output[field.key] = checked;
      }
    }
    return output;
  });
}

/** A number, or a numeric string (the API sends e.g. a pod's `gpu_count` as `"8"`). */
export const NumberLike = withFastPath(
  v.pipe(v.union([v.number(), v.pipe(v.string(), v.trim(), v.decimal())]), v.transform(Number)),
  plainNumber,
  AS_IS_NUMBER,
);

/** A string, or a number/boolean that stands for one (e.g. environment values). */
export const StringLike = v.pipe(
  v.union([v.string(), v.number(), v.boolean()]),
  v.transform(String),
);

/**
 * Optional field: absent or `null` both become `undefined`. Those two, and values `plain` (by
 * default the inner schema's own fast check) accepts, skip the layers; anything else runs
 * through all of them. `asIs`: the primitive types the inner schema passes unchanged.
 */
export function opt<TSchema extends v.GenericSchema>(
  schema: TSchema,
  plain?: FastCheck,
  asIs = asIsOf(schema),
) {
  const inner = plain ?? fastOf(schema);
  return withFastPath(
    v.optional(
      v.pipe(
        v.nullable(schema),
        v.transform((value): v.InferOutput<TSchema> | undefined => value ?? undefined),
      ),
    ),
    (value, config) => {
      if (value === null || value === undefined) return undefined;
      if (!inner) return UNDECIDED;
      const output = inner(value, config);
      // What the transform does to an inner output of null.
      return output === UNDECIDED ? UNDECIDED : (output ?? undefined);
    },
    asIs,
  );
}

/** A string or a number, kept as it came (CUDA versions arrive as either). */
export const optStringOrNumber = () =>
  opt(
    v.union([v.string(), v.number()]),
    (value) => (typeof value === 'string' ? value : plainNumber(value)),
    AS_IS_STRING | AS_IS_NUMBER,
  );

// One instance each, shared by every field that uses it: a schema holds no state, and the
// listings' ~200 optional fields would otherwise build ~200 of them at every start.
const OPT_STRING = opt(v.string(), plainString);
const OPT_NUMBER = opt(NumberLike, plainNumber);
const OPT_BOOLEAN = opt(v.boolean(), plainBoolean);
export const optString = () => OPT_STRING;
export const optNumber = () => OPT_NUMBER;
export const optBoolean = () => OPT_BOOLEAN;

/**
 * A list the server sends either as a plain array or wrapped as `{"items": [...]}` (restore and
 * backup logs, lium-api.md §2.3.10, §2.8); always returned as an array.
 */
export function listOf<TSchema extends v.GenericSchema>(item: TSchema) {
  const unwrap = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && 'items' in value
      ? (value as { items: unknown }).items
      : value;
  const elements = arrayCheck(item);
  return withFastPath(v.pipe(v.unknown(), v.transform(unwrap), v.array(item)), (value, config) =>
    elements(unwrap(value), config),
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
