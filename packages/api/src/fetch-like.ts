/**
 * The part of `fetch` the clients use. The global `fetch` is one; so is the SDK's transport over
 * `node:http`, which a Node process can use without loading undici on its first request.
 */

/** What the clients pass: always a method, plain headers and an abort signal; a JSON string body. */
export interface FetchLikeInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** The response fields the clients read. A `Response` of the global `fetch` has all of them. */
export interface FetchLikeResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  /** The body, decompressed and decoded as UTF-8. */
  text(): Promise<string>;
  /** The body as a byte stream, for streamed answers (pod logs); read at most once, like `text()`. */
  readonly body: ReadableStream<Uint8Array> | null;
}

/** A `fetch` (or a stand-in with its behaviour: redirects followed, bodies decompressed). */
export type FetchLike = (url: string, init: FetchLikeInit) => Promise<FetchLikeResponse>;

/** The global `fetch`, looked up at call time (a test or polyfill may install it late). */
export const globalFetch: FetchLike = (url, init) => globalThis.fetch(url, init);
