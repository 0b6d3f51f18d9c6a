import { json, reset, sequence, stall, text } from '@lium/test-support/http-server';
import { describe, expect, it } from 'vitest';
import {
  LiumAbortError,
  LiumConnectionError,
  LiumServerError,
  LiumTimeoutError,
  type ResponseEvent,
} from '../src/index.ts';
import { useTestServer } from './setup.ts';

const t = useTestServer();

describe('retries of idempotent requests', () => {
  it.each([
    ['503', json(503, { detail: 'busy' })],
    ['500', json(500, 'boom')],
    ['408', json(408, {})],
    ['429', json(429, {})],
    ['a reset connection', reset()],
    ['a body cut off mid-way', reset({ when: 'mid-body' })],
  ])('GET is retried after %s', async (_, failure) => {
    t.server.route('GET /api/pods', sequence(failure, json(200, [])));
    await expect(t.client().getPods()).resolves.toEqual([]);
    expect(t.server.requests).toHaveLength(2);
  });

  it('GET is retried after a per-attempt timeout, and each attempt gets a fresh timeout', async () => {
    t.server.route('GET /api/pods', sequence(stall(), stall(), json(200, [])));
    await expect(t.client({ timeoutMs: 600 }).getPods()).resolves.toEqual([]);
    expect(t.server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with the last error', async () => {
    t.server.route('GET /api/pods', json(503, { detail: 'busy' }));
    await expect(t.client({ maxRetries: 3 }).getPods()).rejects.toBeInstanceOf(LiumServerError);
    expect(t.server.requests).toHaveLength(4);
  });

  it('maxRetries 0 (per call) sends once', async () => {
    t.server.route('GET /api/pods', stall());
    await expect(t.client({ timeoutMs: 600 }).getPods({ maxRetries: 0 })).rejects.toBeInstanceOf(
      LiumTimeoutError,
    );
    expect(t.server.requests).toHaveLength(1);
  });

  it('does not retry 4xx other than 408/429', async () => {
    t.server.route('GET /api/pods/:id', json(404, { detail: 'no' }));
    await expect(t.client().getPod('x')).rejects.toMatchObject({ code: 'not_found' });
    expect(t.server.requests).toHaveLength(1);
  });

  it('does not retry a body that breaks the contract', async () => {
    t.server.route('GET /api/pods', json(200, [{ nope: true }]));
    await expect(t.client().getPods()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(t.server.requests).toHaveLength(1);
  });
});

describe('writes are never retried blindly', () => {
  it.each([
    ['503', json(503, {}), LiumServerError],
    ['a reset connection', reset(), LiumConnectionError],
  ])('DELETE after %s is sent once', async (_, failure, ErrorClass) => {
    t.server.route('DELETE /api/pods/:id', sequence(failure, json(200, {})));
    await expect(t.client().deletePod('p1')).rejects.toBeInstanceOf(ErrorClass);
    expect(t.server.requests).toHaveLength(1);
  });

  it('POST after a timeout is sent once', async () => {
    t.server.route('POST /api/ssh-keys', stall());
    await expect(
      t.client({ timeoutMs: 600 }).createSshKey({ name: 'k', publicKey: 'ssh-ed25519 A' }),
    ).rejects.toBeInstanceOf(LiumTimeoutError);
    expect(t.server.requests).toHaveLength(1);
  });

  it('a write refused with 429 (not processed) is retried', async () => {
    t.server.route(
      'POST /api/ssh-keys',
      sequence(json(429, {}), json(200, { id: 'k1', public_key: 'ssh-ed25519 A' })),
    );
    await expect(
      t.client().createSshKey({ name: 'k', publicKey: 'ssh-ed25519 A' }),
    ).resolves.toMatchObject({ id: 'k1' });
    expect(t.server.requests).toHaveLength(2);
  });

  it('idempotent writes (schedule-removal, cancels) are retried like reads', async () => {
    t.server.route('POST /api/pods/:id/schedule-removal', sequence(json(502, {}), json(200, {})));
    await t.client().scheduleRemoval('p1', { removalScheduledAt: '2026-06-29T18:00:00Z' });
    expect(t.server.requests).toHaveLength(2);
    expect(t.server.requests.map((r) => r.json)).toEqual([
      { removal_scheduled_at: '2026-06-29T18:00:00Z' },
      { removal_scheduled_at: '2026-06-29T18:00:00Z' },
    ]);
  });
});

describe('backoff and Retry-After', () => {
  function recordingClient(options: Parameters<typeof t.client>[0] = {}) {
    const events: ResponseEvent[] = [];
    const client = t.client({ ...options, onResponse: (event) => events.push(event) });
    return { client, events };
  }

  it('backs off exponentially with jitter from retryBaseDelayMs', async () => {
    t.server.route('GET /api/pods', sequence(json(503, {}), json(503, {}), json(200, [])));
    const { client, events } = recordingClient({ retryBaseDelayMs: 40 });
    await client.getPods();
    const delays = events.map((e) => e.retryDelayMs);
    expect(delays[2]).toBeUndefined();
    expect(delays[0]).toBeGreaterThanOrEqual(30);
    expect(delays[0]).toBeLessThanOrEqual(40);
    expect(delays[1]).toBeGreaterThanOrEqual(60);
    expect(delays[1]).toBeLessThanOrEqual(80);
    expect(events.map((e) => [e.attempt, e.status, e.willRetry])).toEqual([
      [1, 503, true],
      [2, 503, true],
      [3, 200, false],
    ]);
  });

  it('honours Retry-After in seconds', async () => {
    t.server.route(
      'GET /api/pods',
      sequence(text(503, 'busy', { 'retry-after': '1' }), json(200, [])),
    );
    const { client, events } = recordingClient();
    await client.getPods();
    expect(events[0]?.retryDelayMs).toBe(1000);
  });

  it('honours Retry-After as an HTTP date and retry-after-ms', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    t.server.route(
      'GET /api/pods',
      sequence(
        json(429, {}, { 'retry-after': past }),
        json(429, {}, { 'retry-after-ms': '25', 'retry-after': '30' }),
        json(200, []),
      ),
    );
    const { client, events } = recordingClient();
    await client.getPods();
    expect(events.map((e) => e.retryDelayMs)).toEqual([0, 25, undefined]);
  });

  it('fails fast when Retry-After asks for more than 60 s', async () => {
    t.server.route('GET /api/pods', json(503, {}, { 'retry-after': '3600' }));
    await expect(t.client().getPods()).rejects.toBeInstanceOf(LiumServerError);
    expect(t.server.requests).toHaveLength(1);
  });

  it('an abort during the backoff wait stops at once, without another attempt', async () => {
    t.server.route('GET /api/pods', json(503, {}, { 'retry-after': '30' }));
    const controller = new AbortController();
    const client = t.client({
      onResponse: (event) => {
        if (event.willRetry) setTimeout(() => controller.abort(), 10);
      },
    });
    await expect(client.getPods({ signal: controller.signal })).rejects.toBeInstanceOf(
      LiumAbortError,
    );
    expect(t.server.requests).toHaveLength(1);
  });

  it('an abort during an attempt is never retried', async () => {
    t.server.route('GET /api/pods', stall());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(
      t.client({ maxRetries: 5 }).getPods({ signal: controller.signal }),
    ).rejects.toBeInstanceOf(LiumAbortError);
    expect(t.server.requests).toHaveLength(1);
  });
});
