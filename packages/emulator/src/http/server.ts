import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FaultTable, RouteFault } from '../control/faults.ts';
import type { RecordedRequest, Recorder } from '../control/recorder.ts';
import { errorBody, HttpError, validationError } from './errors.ts';
import { Router } from './router.ts';
import {
  isStream,
  type JsonResult,
  JsonText,
  type RequestContext,
  type Route,
  type RouteResult,
} from './types.ts';

export interface ApiServerOptions {
  /** e.g. `/api`. */
  prefix: string;
  routes: readonly Route[];
  /** Served under `/_emulator` without auth, faults or recording. */
  controlRoutes: readonly Route[];
  isValidKey(key: string): boolean;
  faults: FaultTable;
  recorder: Recorder;
  /** Runs before every API call (billing catches up here). */
  beforeEach?: () => void;
}

export interface ApiServer {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_RECORDED_BODY_BYTES = 64 * 1024;
const CONTROL_PREFIX = '/_emulator';

export function createApiServer(options: ApiServerOptions): ApiServer {
  const api = new Router(options.routes);
  const control = new Router(options.controlRoutes);
  const sockets = new Set<Socket>();
  const closing = new AbortController();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in a route must not take the emulator down; answer 500 like a real server would.
      if (!res.headersSent)
        sendJson(
          res,
          500,
          {
            detail: 'Internal Server Error',
            error: { code: 'server_error', message: String(error) },
          },
          {},
        );
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(`http://emulator.invalid${req.url ?? '/'}`);
    // Repeated slashes are merged, as the nginx in front of lium.io does: the June 2025 client
    // called `…//api/users/me` (reference §2.1.1).
    url.pathname = url.pathname.replace(/\/{2,}/g, '/');
    const requestId = `req_${randomBytes(12).toString('hex')}`;
    res.setHeader('x-request-id', requestId);
    const method = (req.method ?? 'GET').toUpperCase();
    const signal = requestSignal(res, closing.signal);

    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      const body = await readBody(req).catch(() => undefined);
      const path = url.pathname.slice(CONTROL_PREFIX.length) || '/';
      await dispatch(control, method, path, url, body, req, res, requestId, signal, false);
      return;
    }
    if (url.pathname !== options.prefix && !url.pathname.startsWith(`${options.prefix}/`)) {
      sendJson(res, 404, { detail: 'Not Found' }, {});
      return;
    }
    const path = url.pathname.slice(options.prefix.length) || '/';
    const rawBody = await readBody(req).catch(() => undefined);
    if (rawBody === undefined) {
      sendJson(res, 413, { detail: 'Request Entity Too Large' }, { connection: 'close' });
      return;
    }
    const key = headerValue(req.headers['x-api-key']);
    const parsed = parseJson(rawBody);
    const recorded = options.recorder.record({
      at: new Date().toISOString(),
      method,
      path: trimSlash(path),
      query: queryObject(url.searchParams),
      // Big bodies are summarised so a long run's record stays small.
      body:
        rawBody.length > MAX_RECORDED_BODY_BYTES
          ? `<${rawBody.length} bytes>`
          : parsed.ok
            ? parsed.value
            : rawBody.toString('utf8'),
      apiKey: key === undefined ? 'absent' : 'present',
      rawHeaders: req.headers,
      requestId,
    });
    const fault = options.faults.take(method, trimSlash(path));
    if (fault !== undefined) recorded.faultId = fault.id;
    const outcome = await runWithFault(fault, recorded, req, res, signal, async () => {
      options.beforeEach?.();
      if (!parsed.ok) {
        throw validationError([
          {
            type: 'json_invalid',
            loc: ['body', parsed.position],
            msg: 'JSON decode error',
            input: {},
          },
        ]);
      }
      return dispatchResult(api, method, path, url, parsed.value, req, requestId, signal, true);
    });
    recorded.outcome = outcome;
  }

  async function runWithFault(
    fault: RouteFault | undefined,
    recorded: RecordedRequest,
    _req: IncomingMessage,
    res: ServerResponse,
    signal: AbortSignal,
    run: () => Promise<RouteResult>,
  ): Promise<RecordedRequest['outcome']> {
    if (fault?.latencyMs !== undefined && fault.latencyMs > 0) await sleep(fault.latencyMs, signal);
    if (signal.aborted) return 'aborted';
    if (fault?.reset === 'before') return resetConnection(res);
    if (fault?.stall === 'before') return stall(res, signal);
    if (fault?.status !== undefined) return sendFaultStatus(res, fault, recorded.requestId);
    let result: RouteResult;
    try {
      result = await run();
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      result = {
        status: error.status,
        body: errorBody(error, recorded.requestId),
        headers: { ...error.headers },
      };
    }
    if (fault?.reset === 'after') return resetConnection(res);
    if (fault?.stall === 'after') return stall(res, signal);
    if (isStream(result)) {
      res.writeHead(200, { 'content-type': result.contentType, 'cache-control': 'no-cache' });
      res.flushHeaders();
      if (fault?.dropStreamAfterBytes !== undefined)
        cutStreamAfter(res, fault.dropStreamAfterBytes);
      await result.write(res, signal);
      if (!res.writableEnded) res.end();
      return 200;
    }
    const status = result.status ?? 200;
    if (fault?.malformedJson === true) {
      const text = jsonTextOf(result.body);
      res.writeHead(status, { 'content-type': 'application/json', ...result.headers });
      res.end(`${text.slice(0, Math.max(1, Math.floor(text.length / 2)))}\u0000<!-- truncated`);
      return status;
    }
    sendJson(res, status, result.body, result.headers ?? {});
    return status;
  }

  async function dispatch(
    router: Router,
    method: string,
    path: string,
    url: URL,
    rawBody: Buffer | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    signal: AbortSignal,
    authenticate: boolean,
  ): Promise<void> {
    const parsed = parseJson(rawBody ?? Buffer.alloc(0));
    let result: RouteResult;
    try {
      if (!parsed.ok) throw new HttpError(400, 'bad_request', 'Body is not valid JSON');
      result = await dispatchResult(
        router,
        method,
        path,
        url,
        parsed.value,
        req,
        requestId,
        signal,
        authenticate,
      );
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      result = { status: error.status, body: errorBody(error, requestId) };
    }
    if (isStream(result)) {
      res.writeHead(200, { 'content-type': result.contentType });
      await result.write(res, signal);
      if (!res.writableEnded) res.end();
      return;
    }
    sendJson(res, result.status ?? 200, result.body, result.headers ?? {});
  }

  async function dispatchResult(
    router: Router,
    method: string,
    path: string,
    url: URL,
    body: unknown,
    req: IncomingMessage,
    requestId: string,
    signal: AbortSignal,
    authenticate: boolean,
  ): Promise<RouteResult> {
    const match = router.match(method, path);
    if (authenticate) {
      const key = headerValue(req.headers['x-api-key']);
      const auth = match.kind === 'found' ? match.route.auth : 'required';
      const refused =
        auth !== 'none' && (key === undefined ? auth === 'required' : !options.isValidKey(key));
      if (refused) {
        throw new HttpError(
          401,
          'unauthenticated',
          key === undefined ? 'Not authenticated' : 'Invalid API key',
          {
            hint: 'Send one of the emulator API keys in the X-API-KEY header (see LIUM_API_KEY printed at start).',
          },
        );
      }
    }
    if (match.kind === 'not_found') throw new HttpError(404, 'not_found', 'Not Found');
    if (match.kind === 'method_not_allowed')
      throw new HttpError(405, 'method_not_allowed', 'Method Not Allowed');
    const ctx: RequestContext = {
      method,
      path: trimSlash(path),
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      requestId,
      signal,
    };
    return match.route.handler(ctx);
  }

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address !== null ? address.port : port);
        });
      }),
    close: async () => {
      closing.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

function jsonTextOf(body: unknown): string {
  return body instanceof JsonText ? body.text : JSON.stringify(body ?? null);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = jsonTextOf(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendFaultStatus(res: ServerResponse, fault: RouteFault, requestId: string): number {
  const status = fault.status as number;
  const headers: Record<string, string> = {};
  if (status === 429 || fault.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(fault.retryAfterSeconds ?? 1);
  }
  const body =
    fault.body !== undefined
      ? fault.body
      : errorBody(
          new HttpError(status, codeForStatus(status), messageForStatus(status)),
          requestId,
        );
  sendJson(res, status, body, headers);
  return status;
}

function codeForStatus(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  return 'bad_request';
}

function messageForStatus(status: number): string {
  if (status === 429) return 'Too Many Requests';
  if (status === 502) return 'Bad Gateway';
  if (status === 503) return 'Service Unavailable';
  if (status === 504) return 'Gateway Timeout';
  if (status >= 500) return 'Internal Server Error';
  return 'Injected fault';
}

/**
 * Sends at most `limit` more body bytes of a streamed answer (cutting a line in two if it falls
 * there), then resets the connection, as a proxy or a load balancer dropping a long stream does.
 */
function cutStreamAfter(res: ServerResponse, limit: number): void {
  let sent = 0;
  let cut = false;
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  res.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    if (cut) return false;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
    if (sent + bytes.length <= limit) {
      sent += bytes.length;
      return write(bytes, ...rest);
    }
    cut = true;
    const room = limit - sent;
    if (room > 0) write(bytes.subarray(0, room));
    // Let the partial chunk leave before the reset, so the client sees it and then the drop.
    setTimeout(() => res.socket?.resetAndDestroy(), 20);
    return false;
  }) as ServerResponse['write'];
  // Never end the answer cleanly once cut (that would send the final chunk): the reset ends it.
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => (cut ? res : end(...args))) as ServerResponse['end'];
}

function resetConnection(res: ServerResponse): 'reset' {
  res.socket?.resetAndDestroy();
  return 'reset';
}

async function stall(res: ServerResponse, signal: AbortSignal): Promise<'stalled'> {
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  res.socket?.destroy();
  return 'stalled';
}

function requestSignal(res: ServerResponse, closing: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (closing.aborted) abort();
  else closing.addEventListener('abort', abort, { once: true });
  // 'close' fires when the answer is complete or the client went away.
  res.on('close', () => {
    closing.removeEventListener('abort', abort);
    abort();
  });
  return controller.signal;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

type Parsed = { ok: true; value: unknown } | { ok: false; position: number };

function parseJson(raw: Buffer): Parsed {
  if (raw.length === 0) return { ok: true, value: undefined };
  const text = raw.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const match = /position (\d+)/.exec(String(error));
    return { ok: false, position: match ? Number(match[1]) : 0 };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] =
      existing === undefined
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value];
  }
  return out;
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export type { JsonResult };
