// @ts-check
/** Summary statistics of a list of samples (times in ms, throughputs, sizes…). */

/** @param {readonly number[]} values */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * @param {readonly number[]} values
 * @returns {{ median: number, min: number, max: number, runs: number }}
 */
export function summarize(values) {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    runs: values.length,
  };
}

/**
 * Rounds for display and JSON: 3 decimals is plenty for noisy timings.
 * @param {number} value
 * @param {number} [digits]
 */
export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
