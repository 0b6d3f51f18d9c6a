export type QueryValue = string | number | boolean | readonly string[] | null | undefined;

/**
 * Serialises query parameters the way the official clients do: booleans as `true`/`false`,
 * lists comma-joined (`machine_names=A,B`), unset values left out. Returns '' or `?a=1&b=2`.
 */
export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
