import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  delay,
  json,
  malformedJson,
  reset,
  sequence,
  stall,
  startHttpServer,
  stream,
  type TestHttpServer,
  text,
} from './http-server.ts';

describe('startHttpServer', () => {
  let server: TestHttpServer;
  beforeAll(async () => {
    server = await startHttpServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('listens on loopback and records method, path, query, headers and body', async () => {
    server.route('POST /things/:id', (req) => json(201, { got: req.params.id, body: req.json }));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/things/a%20b?x=1&y=two`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
      body: JSON.stringify({ n: 1 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: 'a b', body: { n: 1 } });
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/things/a%20b',
      query: { x: '1', y: 'two' },
      body: '{"n":1}',
      json: { n: 1 },
    });
    expect(recorded?.headers['x-custom']).toBe('yes');
    expect(server.requestsTo('POST /things/:id')).toHaveLength(1);
  });

  it('answers 404 JSON for unknown routes and lets later routes replace earlier ones', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    server.route('GET /x', json(200, 1));
    server.route('GET /x', json(200, 2));
    expect(await (await fetch(`${server.url}/x`)).json()).toBe(2);
  });

  it('plays a sequence of replies, repeating the last', async () => {
    server.route('GET /s', sequence(text(503, 'busy', { 'retry-after': '1' }), json(200, 'ok')));
    const first = await fetch(`${server.url}/s`);
    expect([first.status, first.headers.get('retry-after'), await first.text()]).toEqual([
      503,
      '1',
      'busy',
    ]);
    expect(await (await fetch(`${server.url}/s`)).json()).toBe('ok');
    expect(await (await fetch(`${server.url}/s`)).json()).toBe('ok');
  });

  it('serves malformed JSON', async () => {
    server.route('GET /bad', malformedJson());
    const res = await fetch(`${server.url}/bad`);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('drops the connection before answering and in the middle of the body', async () => {
    server.route('GET /reset', reset());
    await expect(fetch(`${server.url}/reset`)).rejects.toThrow(TypeError);
    server.route('GET /half', reset({ when: 'mid-body' }));
    const res = await fetch(`${server.url}/half`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('delays, stalls until the client gives up, and streams chunks', async () => {
    server.route('GET /slow', delay(20, json(200, 'late')));
    expect(await (await fetch(`${server.url}/slow`)).json()).toBe('late');

    server.route('GET /stall', stall());
    await expect(fetch(`${server.url}/stall`, { signal: AbortSignal.timeout(50) })).rejects.toThrow(
      /abort|timeout/i,
    );

    server.route('GET /stream', stream(['a\n', 'b\n'], { intervalMs: 5 }));
    expect(await (await fetch(`${server.url}/stream`)).text()).toBe('a\nb\n');
  });

  it('closes even while a request is stalled', async () => {
    const other = await startHttpServer();
    other.route('GET /stall', stall());
    const pending = fetch(`${other.url}/stall`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await other.close();
    expect(await pending).toBeInstanceOf(TypeError);
  });
});
