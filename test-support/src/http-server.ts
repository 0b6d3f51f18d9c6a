/**
 * A real HTTP server on 127.0.0.1 for tests of HTTP clients: a swappable route table, a record of
 * every request, and replies that misbehave on purpose (delays, stalls, dropped connections,
 * malformed JSON). Use it instead of mocking `fetch`, so the client's real transport is exercised.
 *
 *   const server = await startHttpServer();
 *   server.route('GET /pods/:id', (req) => json(200, { id: req.params.id }));
 *   server.route('POST /executors/:id/rent', sequence(reset(), json(200, pod)));
 *   ...
 *   expect(server.requests.map((r) => r.path)).toEqual([...]);
 *   await server.close();
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, exactly as sent (not decoded). */
  path: string;
  /** Query parameters; a repeated key keeps its last value (see `url` for the raw string). */
  query: Record<string, string>;
  /** Path and query as sent. */
  url: string;
  /** Header names are lower-case (Node's view). */
  headers: IncomingHttpHeaders;
  /** Raw body text ('' when none). */
  body: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  json: unknown;
  /** Values of `:name` segments of the matched route. */
  params: Record<string, string>;
}

/** What the server does with a matched request. Build one with the helpers below. */
export interface Reply {
  send(res: ServerResponse, req: RecordedRequest): void | Promise<void>;
}

export type Handler = Reply | ((req: RecordedRequest) => Reply | Promise<Reply>);

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** Every request received, in arrival order (including unmatched ones). */
  readonly requests: RecordedRequest[];
  /**
   * Adds or replaces the handler for `'<METHOD> <path>'`; `:name` segments match one path
   * segment, `*` as the last segment matches the rest. Later routes win over earlier ones.
   */
  route(spec: string, handler: Handler): void;
  /** Removes every route and forgets recorded requests. */
  reset(): void;
  /** Requests whose method and path (no query) match, e.g. `requestsTo('POST /executors/e1/rent')`. */
  requestsTo(spec: string): RecordedRequest[];
  /** Stops listening and destroys open connections (including stalled ones). */
  close(): Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

function compile(spec: string): Omit<Route, 'handler'> {
  const [method, path] = spec.trim().split(/\s+/, 2);
  if (!method || !path?.startsWith('/')) {
    throw new TypeError(`Route must look like 'GET /path', got '${spec}'`);
  }
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startHttpServer(): Promise<TestHttpServer> {
  let routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      const parsed = new URL(rawUrl, 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = rawUrl.split('?')[0] ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRequest = {
        method,
        path,
        query: Object.fromEntries(parsed.searchParams),
        url: rawUrl,
        headers: req.headers,
        body,
        json: parseJson(body),
        params: {},
      };
      requests.push(record);
      void answer(record, res);
    });
  });

  async function answer(record: RecordedRequest, res: ServerResponse): Promise<void> {
    const route = findRoute(record.method, record.path);
    try {
      if (!route) {
        await json(404, { detail: `No test route for ${record.method} ${record.path}` }).send(
          res,
          record,
        );
        return;
      }
      const match = route.pattern.exec(record.path);
      route.names.forEach((name, index) => {
        record.params[name] = decodeURIComponent(match?.[index + 1] ?? '');
      });
      const reply =
        typeof route.handler === 'function' ? await route.handler(record) : route.handler;
      await reply.send(res, record);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(599, { 'content-type': 'text/plain' });
      }
      res.end(`test route threw: ${String(error)}`);
    }
  }

  function findRoute(method: string, path: string): Route | undefined {
    for (let index = routes.length - 1; index >= 0; index--) {
      const route = routes[index];
      if (route && route.method === method && route.pattern.test(path)) return route;
    }
    return undefined;
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(spec, handler) {
      const compiled = compile(spec);
      routes = routes.filter(
        (route) =>
          route.method !== compiled.method || route.pattern.source !== compiled.pattern.source,
      );
      routes.push({ ...compiled, handler });
    },
    reset() {
      routes = [];
      requests.length = 0;
    },
    requestsTo(spec) {
      const { method, pattern } = compile(spec);
      return requests.filter((r) => r.method === method && pattern.test(r.path));
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Replies

type Headers = Record<string, string | number>;

/** Answers with `status` and `body` serialised as JSON. */
export function json(status: number, body: unknown, headers: Headers = {}): Reply {
  return text(status, body === undefined ? '' : JSON.stringify(body), {
    'content-type': 'application/json',
    ...headers,
  });
}

/** Answers with `status` and a raw text body. */
export function text(status: number, body: string, headers: Headers = {}): Reply {
  return {
    send(res) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    },
  };
}

/** Answers with a JSON content type but a body that is not valid JSON. */
export function malformedJson(status = 200): Reply {
  return text(status, '{"id": "truncated', { 'content-type': 'application/json' });
}

/** Waits `ms` before sending `reply` (the connection stays open meanwhile). */
export function delay(ms: number, reply: Reply): Reply {
  return {
    async send(res, req) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (!res.destroyed) await reply.send(res, req);
    },
  };
}

/** Never answers; the connection is closed only by the client or by `server.close()`. */
export function stall(): Reply {
  return { send() {} };
}

/**
 * Drops the connection without a complete answer. `before-response` (default): nothing is
 * written, the client sees a reset. `mid-body`: the status line, headers and half a body are
 * sent first, so the client sees a committed response that breaks while reading.
 * Whether the server "did the work" is up to the route handler: do the side effect, then
 * return `reset()` to simulate an answer lost after the server committed.
 */
export function reset(options: { when?: 'before-response' | 'mid-body' } = {}): Reply {
  return {
    send(res) {
      if (options.when === 'mid-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"partial": ');
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      res.socket?.destroy();
    },
  };
}

/** Streams `chunks` with `intervalMs` between them, then ends (or stays open with `keepOpen`). */
export function stream(
  chunks: string[],
  options: { status?: number; headers?: Headers; intervalMs?: number; keepOpen?: boolean } = {},
): Reply {
  return {
    async send(res) {
      res.writeHead(options.status ?? 200, {
        'content-type': 'text/event-stream',
        ...options.headers,
      });
      res.flushHeaders();
      for (const chunk of chunks) {
        if (res.destroyed) return;
        res.write(chunk);
        if (options.intervalMs) await new Promise((r) => setTimeout(r, options.intervalMs));
      }
      if (!options.keepOpen) res.end();
    },
  };
}

/** The n-th matching request gets the n-th reply; the last reply repeats. */
export function sequence(...replies: Reply[]): Reply {
  if (replies.length === 0) throw new TypeError('sequence() needs at least one reply');
  let calls = 0;
  return {
    send(res, req) {
      const reply = replies[Math.min(calls, replies.length - 1)] as Reply;
      calls++;
      return reply.send(res, req);
    },
  };
}
