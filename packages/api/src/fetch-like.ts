/**
 * The part of `fetch` the clients use. The global `fetch` is one; so is the SDK's transport over
 * `node:http`, which a Node process can use without loading undici on its first request.
 */

/** What the clients pass: always a method, plain headers and an abort signal; a JSON string body. */
export interface FetchLikeInit {
  /** The HTTP method, upper case. */
  method: string;
  /** The request headers (the API key among them: never log them as they are). */
  headers: Record<string, string>;
  /** The JSON body, when the request has one. */
  body?: string;
  /** Aborts the request, and the reading of its body. */
  signal: AbortSignal;
}

/** The response fields the clients read. A `Response` of the global `fetch` has all of them. */
export interface FetchLikeResponse {
  /** True for a 2xx status. */
  readonly ok: boolean;
  /** The HTTP status code. */
  readonly status: number;
  /** The status line's reason phrase (may be empty, as over HTTP/2). */
  readonly statusText: string;
  /** The response headers. */
  readonly headers: {
    /** A header's value, matched case-insensitively; a repeated header joined with `, `; null when absent. */
    get(name: string): string | null;
  };
  /** The body, decompressed and decoded as UTF-8. */
  text(): Promise<string>;
  /** The body as a byte stream, for streamed answers (pod logs); read at most once, like `text()`. */
  readonly body: ReadableStream<Uint8Array> | null;
}

/** A `fetch` (or a stand-in with its behaviour: redirects followed, bodies decompressed). */
export type FetchLike = (url: string, init: FetchLikeInit) => Promise<FetchLikeResponse>;

/** The global `fetch`, looked up at call time (a test or polyfill may install it late). */
export const globalFetch: FetchLike = (url, init) => globalThis.fetch(url, init);
