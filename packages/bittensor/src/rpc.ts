import type WebSocket from 'ws';
import { LiumChainError } from './errors.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/** Options of {@link JsonRpcSocket.connect}. */
export interface ConnectOptions {
  /** Connection and per-call timeout; default 30 000 ms. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** A JSON-RPC 2.0 error as a node reports it. */
export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

/** An error object returned by the node for one call (not a transport failure). */
export class RpcCallError extends Error {
  readonly rpc: RpcErrorBody;
  constructor(method: string, rpc: RpcErrorBody) {
    super(`${method}: ${rpc.message}${typeof rpc.data === 'string' ? ` (${rpc.data})` : ''}`);
    this.rpc = rpc;
  }
}

/**
 * A minimal JSON-RPC client over one WebSocket: calls with ids, subscriptions by id, one
 * timeout per call, and no reconnection (a dropped socket fails what is pending, so nothing
 * is ever re-sent behind the caller's back).
 */
export class JsonRpcSocket {
  readonly url: string;
  readonly #ws: WebSocket;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #subscriptions = new Map<string, (result: unknown) => void>();
  /**
   * Notifications that arrived before their subscription was registered: a node sends the
   * subscription id and the first updates back to back, and when they arrive in one read the
   * updates are dispatched before the id's promise continuation runs.
   */
  readonly #early = new Map<string, unknown[]>();
  #nextId = 1;
  #closed: Error | undefined;

  private constructor(url: string, ws: WebSocket, timeoutMs: number) {
    this.url = url;
    this.#ws = ws;
    this.#timeoutMs = timeoutMs;
    ws.on('message', (data) => this.#onMessage(String(data)));
    ws.on('close', () =>
      this.#fail(
        new LiumChainError(`The connection to ${url} closed`, { code: 'chain_unreachable' }),
      ),
    );
    ws.on('error', () => undefined);
  }

  /** Opens the socket; an endpoint that does not answer throws `chain_unreachable`. */
  static async connect(url: string, options: ConnectOptions = {}): Promise<JsonRpcSocket> {
    const { default: WebSocketImpl } = await import('ws');
    const timeoutMs = options.timeoutMs ?? 30_000;
    const ws = new WebSocketImpl(url, {
      handshakeTimeout: timeoutMs,
      maxPayload: 64 * 1024 * 1024,
    });
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        ws.terminate();
        reject(options.signal?.reason ?? new Error('aborted'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', () => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      ws.once('error', (error: Error & { code?: string }) => {
        options.signal?.removeEventListener('abort', onAbort);
        reject(
          new LiumChainError(
            `Cannot reach the subtensor endpoint ${url}: ${error.code ?? error.message}`,
            {
              code: 'chain_unreachable',
              hint: 'Check --network and your connection, then try again (nothing was sent).',
              cause: error,
            },
          ),
        );
      });
    });
    return new JsonRpcSocket(url, ws, timeoutMs);
  }

  /** One call; an error answer throws {@link RpcCallError}, silence past the timeout `chain_timeout`. */
  request<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new LiumChainError(
            `${this.url} did not answer ${method} within ${Math.round(this.#timeoutMs / 1000)} s`,
            {
              code: 'chain_timeout',
            },
          ),
        );
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.#ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /**
   * Starts a subscription (`author_submitAndWatchExtrinsic`, ...) and routes its notifications
   * to `onResult`; resolves with the subscription id.
   */
  async subscribe(
    method: string,
    params: unknown[],
    onResult: (result: unknown) => void,
  ): Promise<string> {
    const id = await this.request<string | number>(method, params);
    const key = String(id);
    this.#subscriptions.set(key, onResult);
    const early = this.#early.get(key);
    this.#early.delete(key);
    for (const result of early ?? []) onResult(result);
    return key;
  }

  /** Stops routing a subscription's notifications (the caller sends the node's unsubscribe call). */
  forget(subscription: string): void {
    this.#subscriptions.delete(subscription);
    this.#early.delete(subscription);
  }

  /** Called with the failure when the socket closes while something waits. */
  onClose?: ((error: Error) => void) | undefined;

  close(): void {
    this.#closed ??= new LiumChainError('The chain connection was closed', {
      code: 'chain_unreachable',
    });
    this.#ws.close();
  }

  #onMessage(text: string): void {
    let message: {
      id?: number;
      result?: unknown;
      error?: RpcErrorBody;
      method?: string;
      params?: { subscription?: unknown; result?: unknown };
    };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.id === 'number') {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) pending.reject(new RpcCallError('call', message.error));
      else pending.resolve(message.result ?? null);
      return;
    }
    const subscription = message.params?.subscription;
    if (subscription === undefined) return;
    const key = String(subscription);
    const handler = this.#subscriptions.get(key);
    if (handler) {
      handler(message.params?.result);
    } else if (this.#early.size < 64) {
      const queue = this.#early.get(key) ?? [];
      if (queue.length < 64) queue.push(message.params?.result);
      this.#early.set(key, queue);
    }
  }

  #fail(error: Error): void {
    const wasClosed = this.#closed !== undefined;
    this.#closed ??= error;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
    if (!wasClosed) this.onClose?.(error);
  }
}
