import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpFetch } from '../src/http-fetch.ts';

/** What a request looked like on the server's side. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 whose routes the test sets. */
async function startServer(routes: Record<string, Handler>) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      const route = routes[new URL(request.url, 'http://x').pathname];
      if (route) route(request, res);
      else res.writeHead(404).end('no route');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const signal = () => new AbortController().signal;
const get = (url: string, headers: Record<string, string> = {}) =>
  nodeHttpFetch(url, { method: 'GET', headers, signal: signal() });

describe('nodeHttpFetch (the SDK default transport over node:http)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let other: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    other = await startServer({
      '/landing': (req, res) => res.end(JSON.stringify(req.headers)),
    });
    server = await startServer({
      '/json': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r-1' })
          .end('{"ok":true}'),
      '/echo': (req, res) => res.end(JSON.stringify(req)),
      '/gzip': (_req, res) =>
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"packed":"gzip"}')),
      '/deflate': (_req, res) =>
        res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync('{"packed":1}')),
      '/empty-gzip': (_req, res) => res.writeHead(204, { 'content-encoding': 'gzip' }).end(),
      '/error': (_req, res) =>
        res.writeHead(422, 'Unprocessable Entity').end('{"detail":"bad field"}'),
      '/multi': (_req, res) => {
        res.setHeader('x-many', ['a', 'b']);
        res.end('');
      },
      '/307': (_req, res) => res.writeHead(307, { location: '/echo' }).end(),
      '/302': (_req, res) => res.writeHead(302, { location: '/echo' }).end(),
      '/303': (_req, res) => res.writeHead(303, { location: '/echo?from=303' }).end(),
      '/away': (_req, res) => res.writeHead(302, { location: `${other.url}/landing` }).end(),
      '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
      '/slow': (_req, res) => {
        setTimeout(() => res.end('late'), 5_000).unref();
      },
      '/lines': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"log":"one"}\n');
        setTimeout(() => res.end('data: {"log":"two"}\n'), 50);
      },
      '/reset': (_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      '/drip': (_req, res) => {
        res.writeHead(200);
        res.write('partial');
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await other?.close();
  });

  it('answers with status, headers (any case) and the body text', async () => {
    const response = await get(`${server.url}/json`);
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Request-Id')).toBe('r-1');
    expect(response.headers.get('x-missing')).toBeNull();
    expect(JSON.parse(await response.text())).toEqual({ ok: true });
  });

  it("sends fetch's default headers, lets the caller's win, and sends the body with its length", async () => {
    const response = await nodeHttpFetch(`${server.url}/echo?q=1`, {
      method: 'POST',
      headers: {
        'X-API-KEY': 'k-123',
        'Content-Type': 'application/json',
        accept: 'application/json',
      },
      body: '{"name":"żółw"}',
      signal: signal(),
    });
    const echoed = JSON.parse(await response.text()) as Seen;
    expect(echoed).toMatchObject({ method: 'POST', url: '/echo?q=1', body: '{"name":"żółw"}' });
    expect(echoed.headers).toMatchObject({
      'x-api-key': 'k-123',
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'node',
      'accept-encoding': 'gzip, deflate',
      'content-length': String(Buffer.byteLength('{"name":"żółw"}')),
    });
  });

  it('reports an error status with its text and body', async () => {
    const response = await get(`${server.url}/error`);
    expect(response.ok).toBe(false);
    expect(response.status).toBe(422);
    expect(response.statusText).toBe('Unprocessable Entity');
    expect(await response.text()).toBe('{"detail":"bad field"}');
  });

  it('joins a repeated header as fetch does', async () => {
    const response = await get(`${server.url}/multi`);
    expect(response.headers.get('x-many')).toBe('a, b');
    expect(await response.text()).toBe('');
  });

  it('decompresses gzip and deflate bodies, and an empty 204 needs no decoding', async () => {
    expect(await (await get(`${server.url}/gzip`)).text()).toBe('{"packed":"gzip"}');
    expect(await (await get(`${server.url}/deflate`)).text()).toBe('{"packed":1}');
    const empty = await get(`${server.url}/empty-gzip`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe('');
  });

  it('follows a 307 with the same method and body', async () => {
    const response = await nodeHttpFetch(`${server.url}/307`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      signal: signal(),
    });
    expect(JSON.parse(await response.text())).toMatchObject({
      method: 'POST',
      url: '/echo',
      body: '{"a":1}',
    });
  });

  it('turns a POST redirected by 302, and a PUT by 303, into a GET without a body', async () => {
    for (const [path, method] of [
      ['/302', 'POST'],
      ['/303', 'PUT'],
    ] as const) {
      const response = await nodeHttpFetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': 'same-origin-key' },
        body: '{"a":1}',
        signal: signal(),
      });
      const echoed = JSON.parse(await response.text()) as Seen;
      expect(echoed).toMatchObject({ method: 'GET', body: '' });
      expect(echoed.headers['content-type']).toBeUndefined();
      expect(echoed.headers['x-api-key']).toBe('same-origin-key');
    }
  });

  it('drops the credential headers on a redirect to another origin', async () => {
    const response = await get(`${server.url}/away`, {
      'X-API-KEY': 'secret-key',
      Authorization: 'Bearer t',
      'x-source': 'sdk',
    });
    const headers = JSON.parse(await response.text()) as Record<string, string>;
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-source']).toBe('sdk');
  });

  it('gives up after 20 redirects', async () => {
    await expect(get(`${server.url}/loop`)).rejects.toThrow(/more than 20 times/);
  });

  it('aborts a request that has not been answered, through the signal', async () => {
    const controller = new AbortController();
    const pending = nodeHttpFetch(`${server.url}/slow`, {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const started = Date.now();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('aborts while the body is being read', async () => {
    const controller = new AbortController();
    const response = await nodeHttpFetch(`${server.url}/drip`, {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    });
    const text = response.text();
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(text).rejects.toThrow();
  });

  it('keeps a connection reset that comes before the body is read for the reader, not the process', async () => {
    const response = await get(`${server.url}/reset`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(response.text()).rejects.toThrow();
  });

  it('fails with the system error code when nothing listens', async () => {
    const closed = await startServer({});
    await closed.close();
    await expect(get(`${closed.url}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('streams a body as it arrives', async () => {
    const response = await get(`${server.url}/lines`);
    expect(response.body).toBe(response.body);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toBe('data: {"log":"one"}\ndata: {"log":"two"}\n');
  });

  it('speaks TLS to an https URL (the real API is https)', async (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'lium-tls-'));
    try {
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            join(dir, 'key.pem'),
            '-out',
            join(dir, 'cert.pem'),
            '-days',
            '1',
            '-subj',
            '/CN=localhost',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
          ],
          { stdio: 'ignore' },
        );
      } catch {
        context.skip('openssl is not installed (.ci/run installs it)');
      }
      const cert = readFileSync(join(dir, 'cert.pem'));
      const server = https.createServer(
        { key: readFileSync(join(dir, 'key.pem')), cert },
        (_req, res) => res.end('{"tls":true}'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const previousCa = https.globalAgent.options.ca;
      https.globalAgent.options.ca = cert;
      try {
        const response = await get(`https://127.0.0.1:${port}/`);
        expect(await response.text()).toBe('{"tls":true}');
      } finally {
        https.globalAgent.options.ca = previousCa;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
