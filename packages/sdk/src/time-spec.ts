import { LiumUsageError } from './errors.ts';

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/i;
/** Also seconds: `90s`, or a bare number of seconds as the SDK's timeouts are counted. */
const DURATION_OR_SECONDS = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/i;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Options of {@link parseDuration}. */
export interface ParseDurationOptions {
  /**
   * Accept `90s` and a bare `90` (seconds) too: for waits such as `lium up --timeout`. Off for
   * `--ttl`, which keeps the official client's `^\d+(\.\d+)?(m|h|d)$`.
   */
  seconds?: boolean | undefined;
}

/** `30m`, `6h`, `1.5d` → milliseconds (reference Appendix A: `^\d+(\.\d+)?(m|h|d)$`). */
export function parseDuration(spec: string, options: ParseDurationOptions = {}): number {
  const match = (options.seconds ? DURATION_OR_SECONDS : DURATION).exec(spec.trim());
  if (!match) {
    throw new LiumUsageError(`Invalid duration "${spec}"`, {
      code: 'time_spec_invalid',
      hint: options.seconds
        ? 'Use a number followed by s, m, h or d, e.g. 90s, 15m, 1h (a bare number is seconds).'
        : 'Use a number followed by m, h or d, e.g. 30m, 6h, 1.5d.',
    });
  }
  const unit = (match[2] ?? 's').toLowerCase() as keyof typeof UNIT_MS;
  const ms = Number(match[1]) * UNIT_MS[unit];
  if (ms <= 0) {
    throw new LiumUsageError(`Duration "${spec}" must be positive`, { code: 'time_spec_invalid' });
  }
  return ms;
}

const DAY_TIME = /^(today|tomorrow)\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/i;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

function checkClock(h: number, m: number, s: number, spec: string): void {
  if (h > 23 || m > 59 || s > 59) {
    throw new LiumUsageError(`Invalid time of day in "${spec}"`, { code: 'time_spec_invalid' });
  }
}

/**
 * A point in time written the way `--until` accepts it, in local time: `today 23:00`,
 * `tomorrow 08:30[:15]`, `2026-07-01 18:00`, `2026-07-01` (midnight), or a full ISO-8601
 * timestamp with a zone (`2026-07-01T18:00:00Z`). Reference Appendix A.
 */
export function parseUntil(spec: string, now: Date = new Date()): Date {
  const text = spec.trim();
  const dayTime = DAY_TIME.exec(text);
  if (dayTime) {
    const [h, m, s] = [Number(dayTime[2]), Number(dayTime[3]), Number(dayTime[4] ?? 0)];
    checkClock(h, m, s, spec);
    const at = new Date(now);
    if (dayTime[1]!.toLowerCase() === 'tomorrow') at.setDate(at.getDate() + 1);
    at.setHours(h, m, s, 0);
    return at;
  }
  const dateTime = DATE_TIME.exec(text);
  if (dateTime) {
    const [y, mo, d] = [Number(dateTime[1]), Number(dateTime[2]), Number(dateTime[3])];
    const [h, m, s] = [
      Number(dateTime[4] ?? 0),
      Number(dateTime[5] ?? 0),
      Number(dateTime[6] ?? 0),
    ];
    checkClock(h, m, s, spec);
    const at = new Date(y, mo - 1, d, h, m, s, 0);
    if (at.getMonth() !== mo - 1 || at.getDate() !== d) {
      throw new LiumUsageError(`Invalid date in "${spec}"`, { code: 'time_spec_invalid' });
    }
    return at;
  }
  if (/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return at;
  }
  throw new LiumUsageError(`Invalid time "${spec}"`, {
    code: 'time_spec_invalid',
    hint: 'Use "today HH:MM", "tomorrow HH:MM", "YYYY-MM-DD HH:MM", "YYYY-MM-DD" or an ISO-8601 time.',
  });
}

/** When to remove a pod: after `ttl`, or at `until` (one of the two). */
export interface RemovalSpec {
  /** Remove after this long, e.g. `6h`, or a number of milliseconds. */
  ttl?: string | number | undefined;
  /** Remove at this time: a Date or a spec accepted by {@link parseUntil}. */
  until?: string | Date | undefined;
}

/** The removal time a `ttl`/`until` pair asks for; exactly one must be given, in the future. */
export function resolveRemovalTime(spec: RemovalSpec, now: Date = new Date()): Date {
  if ((spec.ttl === undefined) === (spec.until === undefined)) {
    throw new LiumUsageError('Give exactly one of ttl or until', { code: 'time_spec_invalid' });
  }
  let at: Date;
  if (spec.ttl !== undefined) {
    const ms = typeof spec.ttl === 'number' ? spec.ttl : parseDuration(spec.ttl);
    if (!(ms > 0)) throw new LiumUsageError('ttl must be positive', { code: 'time_spec_invalid' });
    at = new Date(now.getTime() + ms);
  } else {
    at = spec.until instanceof Date ? spec.until : parseUntil(spec.until as string, now);
  }
  if (at.getTime() <= now.getTime()) {
    throw new LiumUsageError(`${at.toISOString()} is in the past`, {
      code: 'time_spec_past',
      hint: 'Pick a time in the future.',
    });
  }
  return at;
}
