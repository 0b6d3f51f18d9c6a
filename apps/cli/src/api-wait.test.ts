import { describe, expect, it } from 'vitest';
import { ApiWaitStatus, SHOW_AFTER_MS } from './api-wait.ts';

const request = (attempt = 1) => ({
  method: 'GET',
  url: 'http://127.0.0.1/api/pods',
  path: '/pods',
  attempt,
  headers: {},
});
const response = (willRetry: boolean, status?: number) => ({
  method: 'GET',
  url: 'http://127.0.0.1/api/pods',
  path: '/pods',
  attempt: 1,
  status,
  requestId: undefined,
  durationMs: 1,
  error: undefined,
  willRetry,
  retryDelayMs: willRetry ? 2_000 : undefined,
});

describe('ApiWaitStatus (the "waiting for the API" line)', () => {
  it('says nothing for quick answers, then waits, retries and clears', () => {
    let now = 0;
    const shown: (string | undefined)[] = [];
    const status = new ApiWaitStatus(
      (text) => shown.push(text),
      () => now,
    );
    status.onRequest(request());
    now = SHOW_AFTER_MS - 1;
    expect(status.text()).toBeUndefined();
    now = SHOW_AFTER_MS + 1_000;
    expect(status.text()).toBe('Waiting for the Lium API (GET /pods, 4s; Ctrl-C to stop)…');
    status.onResponse(response(true, 503));
    expect(shown.at(-1)).toContain('HTTP 503 for GET /pods; retrying in 2s (attempt 2');
    now += 2_000;
    status.onRequest(request(2));
    // The retry keeps the first attempt's start: the wait is the whole request's.
    expect(status.text()).toContain('attempt 2, 6s');
    status.onResponse(response(false, 200));
    expect(shown.at(-1)).toBeUndefined();
    expect(status.text()).toBeUndefined();
    status.stop();
  });
});
