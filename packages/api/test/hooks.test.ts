import { json, sequence, stall } from '@lium/test-support/http-server';
import { describe, expect, it } from 'vitest';
import type { RequestEvent, ResponseEvent } from '../src/index.ts';
import { API_KEY, useTestServer } from './setup.ts';

const t = useTestServer();
const PAY_KEY = 'pay-secret-987654';

describe('onRequest / onResponse', () => {
  it('see every attempt, never the keys', async () => {
    t.server.route(
      'GET /api/pods',
      sequence(json(503, {}, { 'x-request-id': 'a1' }), json(200, [], { 'x-request-id': 'a2' })),
    );
    t.server.route('GET /pay/token/generate', json(200, { access_key: 'k' }));
    const requests: RequestEvent[] = [];
    const responses: ResponseEvent[] = [];
    const client = t.client({
      payApiKey: PAY_KEY,
      payBaseUrl: `${t.server.url}/pay`,
      onRequest: (event) => requests.push(event),
      onResponse: (event) => responses.push(event),
    });
    await client.getPods();
    await client.generateWalletToken();

    expect(requests.map((e) => [e.method, e.path, e.attempt])).toEqual([
      ['GET', '/pods', 1],
      ['GET', '/pods', 2],
      ['GET', '/token/generate', 1],
    ]);
    expect(requests[0]?.url).toBe(`${t.server.url}/api/pods`);
    expect(requests[0]?.headers).toMatchObject({ 'X-API-KEY': '[redacted]', 'X-Source': 'sdk' });
    expect(requests[2]?.headers).toMatchObject({ 'X-API-KEY': '[redacted]' });
    expect(responses.map((e) => [e.status, e.requestId, e.willRetry, e.error?.code])).toEqual([
      [503, 'a1', true, 'server_error'],
      [200, 'a2', false, undefined],
      [200, undefined, false, undefined],
    ]);
    const everything = JSON.stringify([requests, responses]);
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toContain(PAY_KEY);
    // …while the server did receive them.
    expect(t.server.requests[0]?.headers['x-api-key']).toBe(API_KEY);
    expect(t.server.requests[2]?.headers['x-api-key']).toBe(PAY_KEY);
  });

  it('an aborted attempt is reported too, as final', async () => {
    t.server.route('GET /api/pods', stall());
    const responses: ResponseEvent[] = [];
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(
      t
        .client({ onResponse: (event) => responses.push(event) })
        .getPods({ signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(responses.map((e) => [e.attempt, e.error?.code, e.willRetry])).toEqual([
      [1, 'aborted', false],
    ]);
  });

  it('a hook that throws does not change the outcome', async () => {
    t.server.route('GET /api/pods', json(200, []));
    const client = t.client({
      onRequest: () => {
        throw new Error('observer bug');
      },
      onResponse: () => {
        throw new Error('observer bug');
      },
    });
    await expect(client.getPods()).resolves.toEqual([]);
  });
});
