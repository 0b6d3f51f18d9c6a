/**
 * The REST clients' default transport in Node: `fetch`'s behaviour over `node:http(s)`.
 *
 * Node's global `fetch` loads undici on its first call: 50-100 ms of a cold CLI command's
 * critical path (bench P6, P7), where `node:http` is already compiled into the binary. This
 * keeps what the clients rely on from `fetch`: redirects followed (up to 20, method rewritten as
 * the Fetch standard says), gzip/deflate bodies decompressed, `user-agent: node` and the
 * `accept-encoding` it sends, aborts through the signal, keep-alive through Node's global agents
 * (whose idle sockets do not hold the process open). One thing it does better: a redirect to
 * another origin drops the credential headers (`X-API-KEY`, `Authorization`, `Cookie`), where
 * `fetch` drops only `Authorization`.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FetchLike, FetchLikeResponse } from '@lium/api';

const MAX_REDIRECTS = 20;
const CREDENTIAL_HEADERS = new Set(['x-api-key', 'authorization', 'cookie']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** What Node 20's `fetch` sends (it asks for no brotli); the caller's headers win. */
const DEFAULT_HEADERS: Record<string, string> = {
  accept: '*/*',
  'accept-encoding': 'gzip, deflate',
  'user-agent': 'node',
};

/** A {@link FetchLike} over `node:http` / `node:https`. */
export const nodeHttpFetch: FetchLike = async (url, init) => {
  let target = new URL(url);
  let method = init.method.toUpperCase();
  let body = init.body;
  let headers = { ...init.headers };
  for (let redirects = 0; ; redirects++) {
    const message = await send(target, { method, headers, body, signal: init.signal });
    const status = message.statusCode ?? 0;
    const location = message.headers.location;
    if (!REDIRECT_STATUSES.has(status) || location === undefined) {
      return new NodeHttpResponse(message, method);
    }
    message.resume();
    if (redirects === MAX_REDIRECTS) {
      throw new TypeError(`${method} ${url} was redirected more than ${MAX_REDIRECTS} times`);
    }
    const next = new URL(location, target);
    // The Fetch standard's rule: a 303 (except to GET/HEAD) and a 301/302 of a POST become GETs.
    const toGet =
      (status === 303 && method !== 'GET' && method !== 'HEAD') ||
      ((status === 301 || status === 302) && method === 'POST');
    if (toGet) {
      method = 'GET';
      body = undefined;
      headers = withoutHeaders(headers, (name) => name === 'content-type');
    }
    if (next.origin !== target.origin) {
      headers = withoutHeaders(headers, (name) => CREDENTIAL_HEADERS.has(name));
    }
    target = next;
  }
};

function withoutHeaders(
  headers: Record<string, string>,
  drop: (lowerCaseName: string) => boolean,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!drop(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}

interface Attempt {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

async function send(target: URL, attempt: Attempt): Promise<IncomingMessage> {
  const { method, body, signal } = attempt;
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`Cannot fetch ${target.protocol} URLs`);
  }
  const http =
    target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  signal.throwIfAborted();
  const headers: Record<string, string | number> = { ...DEFAULT_HEADERS };
  for (const [name, value] of Object.entries(attempt.headers)) headers[name.toLowerCase()] = value;
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const request = http.request(target, { method, headers, signal }, resolve);
    // `on`, not `once`: a second error (an abort after a failed write) must not go uncaught.
    request.on('error', reject);
    request.end(body);
  });
}

class NodeHttpResponse implements FetchLikeResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly #message: IncomingMessage;
  readonly #hasBody: boolean;

  constructor(message: IncomingMessage, method: string) {
    this.#message = message;
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status <= 299;
    this.statusText = message.statusMessage ?? '';
    this.#hasBody = method !== 'HEAD' && this.status !== 204 && this.status !== 304;
    const raw = message.headers;
    this.headers = {
      get(name) {
        const value = raw[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : String(value);
      },
    };
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.#decoded()) chunks.push(chunk as Buffer);
    return new TextDecoder().decode(Buffer.concat(chunks));
  }

  #body: ReadableStream<Uint8Array> | undefined;

  /** One stream, however often it is read (the web stream pulls as soon as it exists). */
  get body(): ReadableStream<Uint8Array> | null {
    if (!this.#hasBody) return null;
    this.#body ??= this.#stream();
    return this.#body;
  }

  #stream(): ReadableStream<Uint8Array> {
    const source = this.#decoded();
    let chunks: AsyncIterator<Buffer> | undefined;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        chunks ??= (await source)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      },
      cancel: async () => {
        (await source).destroy();
        this.#message.destroy();
      },
    });
  }

  /** The body as bytes, through gunzip/inflate when the server compressed it. */
  async #decoded(): Promise<Readable> {
    const message = this.#message;
    if (!this.#hasBody) {
      message.resume();
      return Readable.from([]);
    }
    const encoding = (message.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (encoding === '' || encoding === 'identity') return message;
    const zlib = await import('node:zlib');
    const { pipeline } = await import('node:stream');
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH })
        : encoding === 'deflate'
          ? zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH })
          : encoding === 'br'
            ? zlib.createBrotliDecompress()
            : undefined;
    if (!decoder) return message;
    pipeline(message, decoder, () => {});
    return decoder;
  }
}
