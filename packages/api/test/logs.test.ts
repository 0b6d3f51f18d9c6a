import { json, stream } from '@lium/test-support/http-server';
import { describe, expect, it, vi } from 'vitest';
import {
  LiumAbortError,
  LiumConnectionError,
  LiumNotFoundError,
  parseLogLine,
} from '../src/index.ts';
import { useTestServer } from './setup.ts';

const t = useTestServer();

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

describe('parseLogLine', () => {
  it('takes the log text of SSE data lines and passes anything else through', () => {
    expect(parseLogLine('data: {"log": "hello"}')).toBe('hello');
    expect(parseLogLine('data:{"log":"tight"}')).toBe('tight');
    expect(parseLogLine('plain text line')).toBe('plain text line');
    expect(parseLogLine('data: not json')).toBe('data: not json');
    expect(parseLogLine('data: {"other": 1}')).toBe('data: {"other": 1}');
    expect(parseLogLine('')).toBeUndefined();
    expect(parseLogLine('   ')).toBeUndefined();
  });
});

describe('streamPodLogs', () => {
  it('yields each line, across chunk borders and split UTF-8 characters, with tail and follow', async () => {
    const body = Buffer.from(
      'data: {"log": "first"}\n\ndata: {"log": "zweite Zeile — ü"}\r\nraw line\ndata: {"log": "last"}',
    );
    const cut = body.indexOf('ü') + 1; // inside the two-byte character
    // Raw bytes, so that a chunk ends in the middle of a character.
    t.server.route('GET /api/pods/:id/logs', {
      async send(res) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const part of [body.subarray(0, 9), body.subarray(9, cut), body.subarray(cut)]) {
          res.write(part);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        res.end();
      },
    });
    const lines = await collect(t.client().streamPodLogs('pod-1', { tail: 50, follow: false }));
    expect(lines).toEqual(['first', 'zweite Zeile — ü', 'raw line', 'last']);
    expect(t.server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/pods/pod-1/logs',
      query: { tail: '50', follow: 'false' },
    });
  });

  it('sends no query when neither tail nor follow is given', async () => {
    t.server.route('GET /api/pods/:id/logs', stream(['data: {"log": "x"}\n']));
    expect(await collect(t.client().streamPodLogs('p'))).toEqual(['x']);
    expect(t.server.requests[0]?.query).toEqual({});
  });

  it('follows an open stream until the caller aborts, and the timeout does not cut it', async () => {
    t.server.route(
      'GET /api/pods/:id/logs',
      stream(['data: {"log": "one"}\n', 'data: {"log": "two"}\n'], {
        intervalMs: 80,
        keepOpen: true,
      }),
    );
    const controller = new AbortController();
    const seen: string[] = [];
    const error = await (async () => {
      for await (const line of t
        .client({ timeoutMs: 50 })
        .streamPodLogs('p', { follow: true }, { signal: controller.signal })) {
        seen.push(line);
        if (seen.length === 2) setTimeout(() => controller.abort(), 20);
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['one', 'two']);
    expect(error).toBeInstanceOf(LiumAbortError);
  });

  it('leaving the loop early closes the connection', async () => {
    let closed = false;
    t.server.route('GET /api/pods/:id/logs', {
      send(res) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => res.write('data: {"log": "tick"}\n'), 10);
        res.on('close', () => {
          clearInterval(timer);
          closed = true;
        });
      },
    });
    for await (const line of t.client().streamPodLogs('p', { follow: true })) {
      expect(line).toBe('tick');
      break;
    }
    await vi.waitFor(() => expect(closed).toBe(true));
  });

  it('a 404 before the container exists is a LiumNotFoundError', async () => {
    t.server.route(
      'GET /api/pods/:id/logs',
      json(404, { detail: 'Pod container not deployed yet' }),
    );
    const error = await collect(t.client().streamPodLogs('p')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiumNotFoundError);
    expect((error as Error).message).toContain('Pod container not deployed yet');
  });

  it('a stream that breaks off is a LiumConnectionError', async () => {
    t.server.route('GET /api/pods/:id/logs', {
      send(res) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"log": "one"}\n');
        setTimeout(() => res.socket?.destroy(), 20);
      },
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const line of t.client().streamPodLogs('p', { follow: true })) seen.push(line);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['one']);
    expect(error).toBeInstanceOf(LiumConnectionError);
  });
});
