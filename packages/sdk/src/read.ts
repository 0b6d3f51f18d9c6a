/**
 * Defensive readers for server data. The wire types of `@lium/api` already validate the
 * fields they name; these helpers read the nested, loosely specified parts (specs, location,
 * template) where the server has sent numbers as strings, nulls and missing keys.
 */
export type Bag = { readonly [key: string]: unknown };

export function bag(value: unknown): Bag | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Bag)
    : undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Reads `obj.a.b.c` through objects only; undefined as soon as a step is not an object. */
export function path(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    const next = bag(current);
    if (!next) return undefined;
    current = next[key];
  }
  return current;
}

export function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : undefined;
}
