import { EmulatorError } from '../errors.ts';
import { splitPath } from '../http/router.ts';

/**
 * A fault injected on the API routes that match `method` + `path`. `path` is written below the
 * `/api` prefix (a leading `/api` is ignored): literal segments, `*` or `{name}`/`:name` for any
 * one segment, and a trailing `**` for any rest (none included), e.g. `/executors/*\/rent`, `/pods/**`.
 */
export interface RouteFaultSpec {
  /** HTTP method, or omitted / `*` for any. */
  method?: string;
  path: string;
  /** How many matching calls it applies to; `null` = until removed. Defaults to 1, or unlimited for latency alone. */
  times?: number | null;
  /** Wait this long before handling the call. */
  latencyMs?: number;
  /** Answer with this status instead of handling the call (5xx, 429, …). */
  status?: number;
  /** Seconds for `Retry-After` (defaults to 1 with status 429). */
  retryAfterSeconds?: number;
  /** Body for `status` (defaults to the reference's error body for that status). */
  body?: unknown;
  /** Drop the connection without an answer: `before` the call is handled, or `after` (the change is made). */
  reset?: 'before' | 'after';
  /** Never answer (until the client gives up or the emulator closes): `before` or `after` handling. */
  stall?: 'before' | 'after';
  /** Handle the call, then send a body that is not valid JSON. */
  malformedJson?: boolean;
  /** For a streamed answer (pod logs): cut the connection once this many body bytes were sent. */
  dropStreamAfterBytes?: number;
}

export interface RouteFault extends RouteFaultSpec {
  id: string;
  /** Calls it still applies to (`null` = unlimited). */
  remaining: number | null;
  /** Calls it has applied to. */
  hits: number;
}

export class FaultTable {
  private readonly faults: RouteFault[] = [];
  private nextId = 1;

  add(spec: RouteFaultSpec): RouteFault {
    validateFault(spec);
    const latencyOnly =
      spec.latencyMs !== undefined &&
      spec.status === undefined &&
      spec.reset === undefined &&
      spec.stall === undefined &&
      spec.dropStreamAfterBytes === undefined &&
      spec.malformedJson !== true;
    const remaining = spec.times === undefined ? (latencyOnly ? null : 1) : spec.times;
    const fault: RouteFault = { ...spec, id: `fault_${this.nextId++}`, remaining, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  remove(id: string): boolean {
    const index = this.faults.findIndex((f) => f.id === id);
    if (index < 0) return false;
    this.faults.splice(index, 1);
    return true;
  }

  clear(): void {
    this.faults.length = 0;
  }

  list(): RouteFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first fault matching this call, counted as used (exhausted faults are dropped). */
  take(method: string, path: string): RouteFault | undefined {
    const index = this.faults.findIndex((f) => faultMatches(f, method, path));
    if (index < 0) return undefined;
    const fault = this.faults[index] as RouteFault;
    fault.hits++;
    if (fault.remaining !== null) {
      fault.remaining--;
      if (fault.remaining <= 0) this.faults.splice(index, 1);
    }
    return { ...fault };
  }
}

function validateFault(spec: RouteFaultSpec): void {
  const problem =
    typeof spec.path !== 'string' || spec.path === ''
      ? '`path` is required'
      : spec.status !== undefined &&
          (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)
        ? '`status` must be an HTTP status code'
        : spec.times !== undefined &&
            spec.times !== null &&
            (!Number.isInteger(spec.times) || spec.times < 1)
          ? '`times` must be a positive integer or null'
          : spec.reset !== undefined && spec.reset !== 'before' && spec.reset !== 'after'
            ? "`reset` must be 'before' or 'after'"
            : spec.stall !== undefined && spec.stall !== 'before' && spec.stall !== 'after'
              ? "`stall` must be 'before' or 'after'"
              : spec.latencyMs !== undefined &&
                  (!Number.isFinite(spec.latencyMs) || spec.latencyMs < 0)
                ? '`latencyMs` must be a non-negative number'
                : spec.dropStreamAfterBytes !== undefined &&
                    (!Number.isInteger(spec.dropStreamAfterBytes) || spec.dropStreamAfterBytes < 0)
                  ? '`dropStreamAfterBytes` must be a non-negative integer'
                  : undefined;
  if (problem !== undefined) {
    throw new EmulatorError(`Invalid fault: ${problem}`, {
      code: 'fault_invalid',
      hint: 'See RouteFaultSpec in the @lium/emulator README.',
    });
  }
}

function faultMatches(fault: RouteFault, method: string, path: string): boolean {
  if (fault.method !== undefined && fault.method !== '*' && fault.method.toUpperCase() !== method)
    return false;
  return pathMatches(fault.path, path);
}

export function pathMatches(pattern: string, path: string): boolean {
  let expected = splitPath(pattern);
  if (expected[0] === 'api') expected = expected.slice(1);
  const actual = splitPath(path);
  for (let i = 0; i < expected.length; i++) {
    const segment = expected[i] as string;
    if (segment === '**') return true;
    const part = actual[i];
    if (part === undefined) return false;
    if (segment === '*' || segment.startsWith(':') || segment.startsWith('{')) continue;
    if (segment !== part) return false;
  }
  return expected.length === actual.length;
}
