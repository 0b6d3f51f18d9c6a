import { formatDuration } from './format.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** `en_GB.UTF-8` → `en-GB`; undefined for `C`/`POSIX`, unset or unknown locales. */
function localeOf(env: Env): string | undefined {
  const raw = env.LC_ALL || env.LC_TIME || env.LANG;
  const tag = raw?.split(/[.@]/)[0]?.replace(/_/g, '-');
  if (!tag || tag === 'C' || tag === 'POSIX') return undefined;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag])[0];
  } catch {
    return undefined;
  }
}

/** `$TZ` when it names a zone Intl knows, else the system's zone. */
function zoneOf(env: Env): string | undefined {
  const zone = env.TZ?.replace(/^:/, '');
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/**
 * A moment for people: date and time in the user's locale (`LC_ALL`, `LC_TIME`, `LANG`) and
 * time zone (`TZ`), always with the zone named: `1 Dec 2026, 21:05 GMT+1`, `Dec 1, 2026, 9:05 PM
 * UTC`. JSON carries ISO 8601 instead.
 */
export function formatMoment(when: Date, env: Env): string {
  const zone = zoneOf(env);
  return new Intl.DateTimeFormat(localeOf(env), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(zone ? { timeZone: zone } : {}),
  }).format(when);
}

/** How long until `when`, for a table cell: `in 5h 59m`, `due` once it has passed. */
export function formatUntil(when: Date, now: Date = new Date()): string {
  const ms = when.getTime() - now.getTime();
  if (!Number.isFinite(ms)) return '—';
  return ms <= 0 ? 'due' : `in ${formatDuration(ms)}`;
}
