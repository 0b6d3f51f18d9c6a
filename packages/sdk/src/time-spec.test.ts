import { describe, expect, it } from 'vitest';
import { parseDuration, parseUntil, resolveRemovalTime } from './time-spec.ts';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['6h', 21_600_000],
    ['1.5d', 129_600_000],
    ['2H', 7_200_000],
  ])('%s', (spec, ms) => {
    expect(parseDuration(spec)).toBe(ms);
  });

  it.each(['', '6', 'h', '6w', '-1h', '0m', '1 hour'])('rejects %j', (spec) => {
    expect(() => parseDuration(spec)).toThrow(
      expect.objectContaining({ code: 'time_spec_invalid' }),
    );
  });
});

describe('parseDuration with seconds (wait timeouts such as `lium up --timeout`)', () => {
  it.each([
    ['90s', 90_000],
    ['300', 300_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
  ])('%s', (spec, ms) => {
    expect(parseDuration(spec, { seconds: true })).toBe(ms);
  });

  it.each(['', 's', '0', '-5s', '5w'])('rejects %j', (spec) => {
    expect(() => parseDuration(spec, { seconds: true })).toThrow(
      expect.objectContaining({ code: 'time_spec_invalid' }),
    );
  });

  it('keeps --ttl to the official m/h/d', () => {
    expect(() => parseDuration('90s')).toThrow(
      expect.objectContaining({ code: 'time_spec_invalid' }),
    );
  });
});

describe('parseUntil', () => {
  const now = new Date(2026, 5, 29, 10, 0, 0);

  it('reads today/tomorrow clock times in local time', () => {
    expect(parseUntil('today 23:00', now)).toEqual(new Date(2026, 5, 29, 23, 0, 0));
    expect(parseUntil('tomorrow 08:30:15', now)).toEqual(new Date(2026, 5, 30, 8, 30, 15));
  });

  it('reads dates and date-times', () => {
    expect(parseUntil('2026-07-01 18:00', now)).toEqual(new Date(2026, 6, 1, 18, 0, 0));
    expect(parseUntil('2026-07-01', now)).toEqual(new Date(2026, 6, 1, 0, 0, 0));
    expect(parseUntil('2026-07-01T18:00:00Z', now).toISOString()).toBe('2026-07-01T18:00:00.000Z');
  });

  it.each(['today 25:00', '2026-02-30', 'next week', 'today', '2026-07-01T18:00+25'])(
    'rejects %j',
    (spec) => {
      expect(() => parseUntil(spec, now)).toThrow(
        expect.objectContaining({ code: 'time_spec_invalid' }),
      );
    },
  );
});

describe('resolveRemovalTime', () => {
  const now = new Date('2026-06-29T10:00:00Z');

  it('adds a ttl to now', () => {
    expect(resolveRemovalTime({ ttl: '6h' }, now).toISOString()).toBe('2026-06-29T16:00:00.000Z');
    expect(resolveRemovalTime({ ttl: 60_000 }, now).toISOString()).toBe('2026-06-29T10:01:00.000Z');
  });

  it('refuses both, neither, and the past', () => {
    expect(() => resolveRemovalTime({}, now)).toThrow(/exactly one/);
    expect(() => resolveRemovalTime({ ttl: '1h', until: 'today 23:00' }, now)).toThrow(
      /exactly one/,
    );
    expect(() => resolveRemovalTime({ until: new Date('2026-06-29T09:00:00Z') }, now)).toThrow(
      expect.objectContaining({ code: 'time_spec_past' }),
    );
  });
});
