import { pathMatches } from './faults.ts';

/** One API call as the emulator saw it. The API key itself is never kept, only whether one was sent. */
export interface RecordedRequest {
  seq: number;
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path below `/api`, e.g. `/executors/abc/rent`. */
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  apiKey: 'present' | 'absent';
  /** Non-secret request headers that tests assert on. */
  headers: {
    'x-source'?: string;
    'x-lium-client-version'?: string;
    'idempotency-key'?: string;
    'user-agent'?: string;
    'content-type'?: string;
  };
  requestId: string;
  /** Status sent, or what happened instead: `reset`, `stalled`, `aborted` (client left first). */
  outcome: number | 'reset' | 'stalled' | 'aborted' | 'pending';
  /** Id of the fault applied, if any. */
  faultId?: string;
}

export interface RequestFilter {
  method?: string;
  /** Same pattern syntax as faults (`/pods/*`, `/executors/**`). */
  path?: string;
}

const KEPT_HEADERS = [
  'x-source',
  'x-lium-client-version',
  'idempotency-key',
  'user-agent',
  'content-type',
] as const;

export class Recorder {
  private readonly entries: RecordedRequest[] = [];
  private seq = 0;
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  record(
    entry: Omit<RecordedRequest, 'seq' | 'headers' | 'outcome'> & {
      rawHeaders: Record<string, unknown>;
    },
  ): RecordedRequest {
    const headers: RecordedRequest['headers'] = {};
    for (const name of KEPT_HEADERS) {
      const value = entry.rawHeaders[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const { rawHeaders: _ignored, ...rest } = entry;
    const recorded: RecordedRequest = {
      ...rest,
      body: redact(rest.body),
      seq: ++this.seq,
      headers,
      outcome: 'pending',
    };
    this.entries.push(recorded);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return recorded;
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries
      .filter(
        (e) =>
          (filter.method === undefined || filter.method.toUpperCase() === e.method) &&
          (filter.path === undefined || pathMatches(filter.path, e.path)),
      )
      .map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries.length = 0;
  }
}

const SECRET_FIELD = /password|secret|token|api_key|access_key/i;

/** Secret-looking body fields (a login password, a docker password…) are kept only as `[redacted]`. */
function redact(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [
      key,
      SECRET_FIELD.test(key) && value != null ? '[redacted]' : value,
    ]),
  );
}
