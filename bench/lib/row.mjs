// @ts-check
/** One row of results.json: a figure, its baseline measured in the same run, and the verdict. */
import { round, summarize } from './stats.mjs';

/**
 * @typedef {object} Row
 * @property {string} id
 * @property {string} what
 * @property {string} baseline
 * @property {number | null} median
 * @property {number | null} min
 * @property {number | null} max
 * @property {number | null} ratio
 * @property {string} target
 * @property {boolean} met
 * @property {string} unit unit of median/min/max
 * @property {number | null} baselineMedian the baseline's median, same unit
 * @property {number} runs
 * @property {string} [note]
 * @property {'max'} [statistic] set when the ratio divides our largest sample (a ceiling such as
 *   peak memory or the worst overshoot), not our median
 */

/** @param {'lower' | 'higher'} direction @param {number} limit */
export function targetText(direction, limit) {
  return `${direction === 'lower' ? '<=' : '>='} ${limit}x`;
}

/**
 * A figure judged by the ratio of its median to the baseline's median.
 * @param {{ id: string, what: string, baseline: string, unit: string, samples: number[],
 *   baselineSamples: number[], direction: 'lower' | 'higher', limit: number, note?: string,
 *   statistic?: 'median' | 'max' }} spec `statistic`: which of ours goes into the ratio (`max`
 *   for a ceiling such as peak memory); the baseline's median always does.
 * @returns {Row}
 */
export function ratioRow(spec) {
  const ours = summarize(spec.samples);
  const base = summarize(spec.baselineSamples);
  const ratio = (spec.statistic === 'max' ? ours.max : ours.median) / base.median;
  const met = spec.direction === 'lower' ? ratio <= spec.limit : ratio >= spec.limit;
  return {
    id: spec.id,
    what: spec.what,
    baseline: spec.baseline,
    median: round(ours.median),
    min: round(ours.min),
    max: round(ours.max),
    ratio: round(ratio),
    target: targetText(spec.direction, spec.limit),
    met,
    unit: spec.unit,
    baselineMedian: round(base.median),
    runs: ours.runs,
    ...(spec.statistic === 'max' ? { statistic: /** @type {const} */ ('max') } : {}),
    ...(spec.note ? { note: spec.note } : {}),
  };
}

/**
 * The figure a row's ratio divides, for a log line: `max 1.72 s` for a ceiling, else the median.
 * @param {Row} row
 */
export function ratioFigure(row) {
  return row.statistic === 'max' ? `max ${row.max} ${row.unit}` : `${row.median} ${row.unit}`;
}

/**
 * A row that could not be measured: kept in the output (never silently dropped) with the reason.
 * @param {{ id: string, what: string, baseline: string, direction: 'lower' | 'higher',
 *   limit: number, unit: string }} spec
 * @param {unknown} error
 * @returns {Row}
 */
export function failedRow(spec, error) {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id: spec.id,
    what: spec.what,
    baseline: spec.baseline,
    median: null,
    min: null,
    max: null,
    ratio: null,
    target: targetText(spec.direction, spec.limit),
    met: false,
    unit: spec.unit,
    baselineMedian: null,
    runs: 0,
    note: `not measured: ${message.split('\n').slice(0, 3).join(' ').slice(0, 400)}`,
  };
}
