import { describe, expect, it } from 'vitest';
import { formatMoment, formatUntil } from './time.ts';

const when = new Date('2026-12-01T21:05:00Z');

describe('formatMoment', () => {
  it('uses the locale and zone from the environment and names the zone', () => {
    expect(formatMoment(when, { LANG: 'en_US.UTF-8', TZ: 'UTC' })).toBe('Dec 1, 2026, 9:05 PM UTC');
    expect(formatMoment(when, { LC_ALL: 'de_DE.UTF-8', TZ: 'Europe/Berlin' })).toBe(
      '1. Dez. 2026, 22:05 MEZ',
    );
  });

  it('falls back to the default locale for C and unknown settings, still with a zone', () => {
    expect(formatMoment(when, { LANG: 'C', TZ: 'Not/AZone' })).toMatch(/\d{4}.*\d:05/);
  });
});

describe('formatUntil', () => {
  it('says how long until the moment, or that it is due', () => {
    expect(formatUntil(when, new Date('2026-12-01T15:04:00Z'))).toBe('in 6h 1m');
    expect(formatUntil(when, new Date('2026-12-01T22:00:00Z'))).toBe('due');
  });
});
