import { editDistance } from './nearest.ts';

const normal = (name: string) => name.replace(/[\s_-]+/g, '').toUpperCase();

/**
 * The GPU names closest to what was typed, for "No H10 machines. Did you mean H100, H200?":
 * names it is the start of (`H10` → `H100`), then names a typo or two away (`A1000` → `A100`),
 * nearest first, at most `limit`.
 */
export function nearestGpuNames(typed: string, names: readonly string[], limit = 3): string[] {
  const want = normal(typed);
  if (!want) return [];
  const scored = [...new Set(names)].flatMap((name) => {
    const have = normal(name);
    if (have === want) return [];
    if (have.startsWith(want) || want.startsWith(have)) {
      return [{ name, score: Math.abs(have.length - want.length) / 10 }];
    }
    const distance = editDistance(want, have);
    return distance <= Math.max(1, Math.min(2, Math.floor(want.length / 2)))
      ? [{ name, score: distance }]
      : [];
  });
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
}
