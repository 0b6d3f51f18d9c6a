/**
 * Reads the error bodies the Lium API is known to send (lium-api.md §1.4) into one shape:
 *   {"detail": "text"}                                   FastAPI
 *   {"detail": [{"loc": [...], "msg": "..."}]}           FastAPI validation
 *   {"detail": {"message": "...", "active_operation_id": "..."}}
 *   {"message": "...", "validation_errors": [{"field", "message" | "msg"}]}
 *   {"message": "..."}
 *   {"error": {"code", "message", "hint", "request_id"}}  newest platform envelope
 *   plain text
 */
import type { BalanceAmounts, ValidationDetail } from './errors.ts';

/** What an error body says, read from any of the envelopes the API has used. */
export interface ErrorBodyInfo {
  /** The human message (`detail`, `message` or `error.message`), trimmed to 500 characters. */
  message: string | undefined;
  /** `error.code` of the newest envelope, e.g. `insufficient_balance`. */
  code: string | undefined;
  /** `error.hint` of the newest envelope. */
  hint: string | undefined;
  /** `error.request_id` of the newest envelope (the header wins when both exist). */
  requestId: string | undefined;
  /** The rejected fields of a 422. */
  details: ValidationDetail[];
  /** The operation already running, for a 409. */
  activeOperationId: string | undefined;
}

const MAX_MESSAGE_LENGTH = 500;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function fieldOf(entry: Json): string | undefined {
  if (Array.isArray(entry.loc)) return entry.loc.map(String).join('.');
  return stringOf(entry.field) ?? stringOf(entry.loc);
}

function detailsOf(list: unknown[]): ValidationDetail[] {
  return list.flatMap((entry) => {
    if (typeof entry === 'string') return [{ field: undefined, message: entry }];
    if (!isRecord(entry)) return [];
    const message = stringOf(entry.msg) ?? stringOf(entry.message);
    return message ? [{ field: fieldOf(entry), message }] : [];
  });
}

function describeDetails(details: ValidationDetail[]): string | undefined {
  if (details.length === 0) return undefined;
  const shown = details
    .slice(0, 3)
    .map((d) => (d.field ? `${d.field}: ${d.message}` : d.message))
    .join('; ');
  return details.length > 3 ? `${shown} (and ${details.length - 3} more)` : shown;
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE_LENGTH ? `${oneLine.slice(0, MAX_MESSAGE_LENGTH)}…` : oneLine;
}

/** Reads an error body (JSON or text) into one shape, whichever envelope the server used. */
export function readErrorBody(body: unknown): ErrorBodyInfo {
  const info: ErrorBodyInfo = {
    message: undefined,
    code: undefined,
    hint: undefined,
    requestId: undefined,
    details: [],
    activeOperationId: undefined,
  };
  if (typeof body === 'string') {
    info.message = body.trim() === '' ? undefined : truncate(body);
    return info;
  }
  if (!isRecord(body)) return info;

  if (isRecord(body.error)) {
    info.code = stringOf(body.error.code);
    info.hint = stringOf(body.error.hint);
    info.requestId = stringOf(body.error.request_id);
    info.message = stringOf(body.error.message);
  } else {
    info.message = stringOf(body.error);
  }

  const { detail } = body;
  if (typeof detail === 'string') {
    info.message ??= stringOf(detail);
  } else if (Array.isArray(detail)) {
    info.details = detailsOf(detail);
  } else if (isRecord(detail)) {
    info.message ??= stringOf(detail.message) ?? stringOf(detail.detail);
    info.activeOperationId = stringOf(detail.active_operation_id);
    info.code ??= stringOf(detail.code);
  }

  if (Array.isArray(body.validation_errors)) {
    info.details = [...info.details, ...detailsOf(body.validation_errors)];
  }
  info.message ??= stringOf(body.message);
  info.activeOperationId ??= stringOf(body.active_operation_id);

  const details = describeDetails(info.details);
  if (details) info.message = info.message ? `${info.message} (${details})` : details;
  if (info.message) info.message = truncate(info.message);
  return info;
}

const MONEY = String.raw`\$?\s*(-?\d+(?:,\d{3})*(?:\.\d+)?)`;
const HOURLY_RE = new RegExp(String.raw`costs\s+${MONEY}\s*(?:/|per\s+)h`, 'i');
const REQUIRED_RE = new RegExp(String.raw`requires\s+at\s+least\s+${MONEY}`, 'i');
const AVAILABLE_RE = new RegExp(String.raw`balance\s+is\s+${MONEY}`, 'i');

function amount(re: RegExp, text: string): number | undefined {
  const match = re.exec(text)?.[1];
  return match === undefined ? undefined : Number(match.replace(/,/g, ''));
}

/**
 * Parses "Insufficient balance. This node costs $X/hour, so renting it requires at least $Y
 * (N minutes of runtime). Your balance is $Z." (the newest official client's `_REQUIRED_RE` /
 * `_AVAILABLE_RE`). Amounts missing from the text stay undefined.
 */
export function parseBalanceAmounts(text: string): BalanceAmounts {
  return {
    hourlyUsd: amount(HOURLY_RE, text),
    requiredUsd: amount(REQUIRED_RE, text),
    availableUsd: amount(AVAILABLE_RE, text),
  };
}

export function isInsufficientBalance(info: ErrorBodyInfo): boolean {
  return info.code === 'insufficient_balance' || /insufficient\s+balance/i.test(info.message ?? '');
}
