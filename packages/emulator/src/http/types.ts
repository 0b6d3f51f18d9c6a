import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export interface RequestContext {
  method: string;
  /** The path below the API prefix, e.g. `/pods/abc` (no trailing slash). */
  path: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  requestId: string;
  /** Aborted when the client goes away or the emulator closes. */
  signal: AbortSignal;
}

/** A JSON body serialised ahead of time (a cached listing), sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

export interface JsonResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A streamed answer (pod logs): the route writes the body itself and resolves when done. */
export interface StreamResult {
  contentType: string;
  write(res: ServerResponse, signal: AbortSignal): Promise<void>;
}

export type RouteResult = JsonResult | StreamResult;

export type Handler = (ctx: RequestContext) => RouteResult | Promise<RouteResult>;

export interface Route {
  method: string;
  /** `/pods/{pod_id}/logs` style; literal segments win over parameters. */
  pattern: string;
  /**
   * `required`: a configured key; `public`: works without a key (an invalid key is still
   * refused); `none`: the key is not looked at (the pay API uses its own shared key).
   */
  auth: 'required' | 'public' | 'none';
  handler: Handler;
}

export function isStream(result: RouteResult): result is StreamResult {
  return typeof (result as StreamResult).write === 'function';
}
