import { describe, expect, it } from 'vitest';
import { parseBalanceAmounts, readErrorBody } from '../src/error-body.ts';
import { path } from '../src/path.ts';
import { buildQuery } from '../src/query.ts';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../src/retry-policy.ts';
import { formatIssuePath } from '../src/validate.ts';

describe('readErrorBody', () => {
  it.each([
    [{ detail: 'Pod not found' }, 'Pod not found'],
    [{ detail: [{ loc: ['query', 'size'], msg: 'not an int' }] }, 'query.size: not an int'],
    [{ detail: { message: 'Backup running', active_operation_id: 'op' } }, 'Backup running'],
    [{ message: 'Bad', validation_errors: [{ field: 'name', msg: 'empty' }] }, 'Bad (name: empty)'],
    [{ message: 'Backup configuration already exists' }, 'Backup configuration already exists'],
    [
      { error: { code: 'x', message: 'Envelope says no', hint: 'h', request_id: 'r' } },
      'Envelope says no',
    ],
    ['<html>502 Bad Gateway</html>', '<html>502 Bad Gateway</html>'],
    [{}, undefined],
    [undefined, undefined],
  ])('%j → %s', (body, message) => {
    expect(readErrorBody(body).message).toBe(message);
  });

  it('keeps long bodies short and on one line', () => {
    const info = readErrorBody(`line1\nline2 ${'x'.repeat(2000)}`);
    expect(info.message?.length).toBeLessThanOrEqual(501);
    expect(info.message).not.toContain('\n');
  });

  it('summarises many validation errors', () => {
    const detail = Array.from({ length: 5 }, (_, i) => ({ loc: ['body', `f${i}`], msg: 'bad' }));
    expect(readErrorBody({ detail }).message).toBe(
      'body.f0: bad; body.f1: bad; body.f2: bad (and 2 more)',
    );
  });
});

describe('parseBalanceAmounts', () => {
  it('reads the three amounts of the newest wording', () => {
    expect(
      parseBalanceAmounts(
        'Insufficient balance. This node costs $1,234.50/hour, so renting it requires at least $617.25 (30 minutes of runtime). Your balance is $-3.',
      ),
    ).toEqual({ hourlyUsd: 1234.5, requiredUsd: 617.25, availableUsd: -3 });
  });

  it('leaves amounts missing from a short wording undefined', () => {
    expect(parseBalanceAmounts('Insufficient balance')).toEqual({
      hourlyUsd: undefined,
      requiredUsd: undefined,
      availableUsd: undefined,
    });
  });
});

describe('retry policy', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it('parses Retry-After seconds, HTTP dates and retry-after-ms', () => {
    const now = Date.parse('2026-06-29T18:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 29 Jun 2026 18:00:07 GMT' }), now)).toBe(
      7000,
    );
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 29 Jun 2026 17:00:00 GMT' }), now)).toBe(
      0,
    );
    expect(parseRetryAfter(headers({ 'retry-after-ms': '150', 'retry-after': '9' }), now)).toBe(
      150,
    );
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
  });

  it('retries 408/5xx only when idempotent, 429 always', () => {
    expect(isRetryableStatus(503, true)).toBe(true);
    expect(isRetryableStatus(500, true)).toBe(true);
    expect(isRetryableStatus(408, true)).toBe(true);
    expect(isRetryableStatus(503, false)).toBe(false);
    expect(isRetryableStatus(429, false)).toBe(true);
    expect(isRetryableStatus(404, true)).toBe(false);
  });

  it('doubles the delay, caps it at 8 s and jitters down by at most 25 %', () => {
    expect(backoffDelay(0, 500, () => 0)).toBe(500);
    expect(backoffDelay(1, 500, () => 0)).toBe(1000);
    expect(backoffDelay(10, 500, () => 0)).toBe(8000);
    expect(backoffDelay(0, 500, () => 1)).toBe(375);
  });
});

describe('helpers', () => {
  it('formats issue paths', () => {
    expect(formatIssuePath('pods', [{ key: 3 }, { key: 'id' }] as never)).toBe('pods[3].id');
    expect(formatIssuePath('pod', [{ key: 'ports_mapping' }, { key: '8000' }] as never)).toBe(
      'pod.ports_mapping["8000"]',
    );
  });

  it('builds queries the way the API reads them', () => {
    expect(buildQuery({ a: 1, b: true, c: ['x', 'y z'], d: undefined, e: null })).toBe(
      '?a=1&b=true&c=x%2Cy+z',
    );
    expect(buildQuery({})).toBe('');
  });

  it('encodes path parameters', () => {
    expect(path`/pods/${'a/b'}/logs`).toBe('/pods/a%2Fb/logs');
    expect(() => path`/pods/${''}`).toThrow(/Invalid path parameter/);
  });
});
