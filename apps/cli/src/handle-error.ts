import { isLiumError, type LiumError } from '@lium/errors';
import type { PodInfo } from '@lium/sdk';
import type { ErrorCode } from './error-codes.ts';
import type { Output } from './output/output.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** What the user should do for errors whose own hint is missing or too generic for a CLI. */
const CLI_HINTS: Partial<Record<ErrorCode, string>> = {
  unauthenticated: 'Run `lium init` or set LIUM_API_KEY.',
  api_key_missing: 'Run `lium init` or set LIUM_API_KEY.',
  profile_not_found:
    'Create it with `lium init --profile NAME`, or choose another with --profile or $LIUM_PROFILE.',
  connection_failed: 'Check your network, and LIUM_BASE_URL if you set it.',
  timeout: 'Try again; check your network, and LIUM_BASE_URL if you set it.',
  // The SDK's hints for these name SDK options; on the command line the knobs are flags.
  pod_no_ssh: 'Wait until `lium ps` shows it RUNNING with an SSH command.',
  pod_not_ready:
    'It may still start: check `lium ps`, or wait longer with `lium up --wait-timeout 30m`.',
  no_template: 'Pass --image <template id> (see `lium templates`).',
  pod_exists: 'Pick another --name, or use that pod (see `lium ps`).',
  port_forward_closed: 'Check the pod with `lium ps`, then run `lium port-forward` again.',
};

const DEFAULT_HINTS: Partial<Record<ErrorCode, string>> = {
  no_snapshot: 'Run `lium ls` (for machines) or `lium ps` (for pods) first.',
};

/** Codes that mean the command line itself was wrong (exit 2), wherever they were found. */
const USAGE_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'usage_error',
  'time_spec_invalid',
  'time_spec_past',
  'target_invalid',
]);

/** The way out of a refused host key, on the command line: the commands that reset the pin. */
function hostKeyHint(error: LiumError): string | undefined {
  if (error.code !== 'ssh_host_key_mismatch') return undefined;
  const podId = (error as LiumError & { hostKeyId?: unknown }).hostKeyId;
  if (typeof podId !== 'string') return undefined;
  return `If you expected this (the pod was rebuilt or rebooted), run \`lium known-hosts forget ${podId}\` or \`lium ssh ${podId} --reset-host-key\`, then try again.`;
}

/**
 * The API refusing for money: how much is missing (when the server said both amounts) and the
 * command that adds it.
 */
function balanceHint(error: LiumError): string | undefined {
  const { requiredUsd, availableUsd, status } = error as LiumError & {
    requiredUsd?: unknown;
    availableUsd?: unknown;
    status?: unknown;
  };
  // The API's 403 only: a wallet short of TAO (`lium fund`) has its own hint.
  if (error.code !== 'insufficient_balance' || status !== 403) return undefined;
  const missing =
    typeof requiredUsd === 'number' && typeof availableUsd === 'number'
      ? Math.max(0, requiredUsd - availableUsd)
      : undefined;
  const amount = missing === undefined ? 25 : Math.max(1, Math.ceil(missing));
  const need = missing === undefined ? 'Add funds' : `You need $${missing.toFixed(2)} more`;
  return `${need}: \`lium topup create --amount ${amount} --currency USDT --network tron\` (\`lium topup\` lists the currencies), or \`lium fund\` with TAO.`;
}

/** Pod statuses that turn into RUNNING by themselves (a RUNNING pod may lack SSH for a moment). */
const COMING_UP = new Set(['PENDING', 'STARTING', 'REBOOT_PENDING', 'RUNNING']);

/**
 * A pod without SSH: wait for one on its way up; a FAILED or STOPPED one never comes back by
 * itself, so waiting is the wrong advice.
 */
function noSshHint(error: LiumError): string | undefined {
  if (error.code !== 'pod_no_ssh') return undefined;
  const { status, podId } = error as LiumError & { status?: unknown; podId?: unknown };
  if (typeof status !== 'string' || COMING_UP.has(status.toUpperCase())) return undefined;
  const target = typeof podId === 'string' ? podId : '<pod>';
  return `A ${status.toUpperCase()} pod does not come back by itself: \`lium reboot ${target}\` brings it back, or rent another with \`lium up\`.`;
}

export interface ErrorReport {
  exitCode: number;
  code: string;
  message: string;
  hint: string | undefined;
}

/** Classifies an error into the exit code and the one line the user sees. */
export function describeError(error: unknown, interrupted: boolean): ErrorReport {
  if (isLiumError(error)) {
    const exitCode = USAGE_CODES.has(error.code)
      ? EXIT_USAGE
      : error.code === 'interrupted' || (interrupted && error.code === 'aborted')
        ? EXIT_INTERRUPTED
        : EXIT_FAILURE;
    const code = error.code as ErrorCode;
    const hint =
      hostKeyHint(error) ??
      balanceHint(error) ??
      noSshHint(error) ??
      CLI_HINTS[code] ??
      error.hint ??
      DEFAULT_HINTS[code];
    return { exitCode, code: error.code, message: error.message, hint };
  }
  if (interrupted) {
    return {
      exitCode: EXIT_INTERRUPTED,
      code: 'interrupted',
      message: 'Interrupted',
      hint: undefined,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: EXIT_FAILURE,
    code: 'internal_error',
    message: `Unexpected error: ${message}`,
    hint: 'Run again with --debug for details, and report it if it persists.',
  };
}

/** An error as `--json` shows it, whole-run (`{"error": …}`) or per pod (`"error": …`). */
export interface ErrorJson {
  code: string;
  message: string;
  hint?: string;
  status?: number;
  requestId?: string;
  /** What a failed check printed, when the error carries it (a template verifier's log). */
  log?: string;
}

/** The one builder of error JSON: the same fields for a failed run and for one failed pod. */
export function errorJson(error: unknown, interrupted = false): ErrorJson {
  const report = describeError(error, interrupted);
  return {
    code: report.code,
    message: report.message,
    ...(report.hint ? { hint: report.hint } : {}),
    ...(isLiumError(error) ? apiDetails(error) : {}),
  };
}

/** A pod the command failed on, in a list of pods (`down`, `reboot`: `failed: [...]`). */
export function failedPodJson(pod: PodInfo, error: unknown) {
  return { id: pod.id, huid: pod.huid, name: pod.name, error: errorJson(error) };
}

/** A pod the command failed on, in a row per pod (`scp`, `rsync`). */
export function podErrorJson(pod: PodInfo, error: unknown) {
  return { pod: pod.huid, pod_id: pod.id, error: errorJson(error) };
}

/**
 * The one place errors become output: one line (what went wrong, then what to do) on stderr,
 * or `{"error": {...}}` on stdout with `--json`; the stack only with `--debug`.
 */
export function reportError(error: unknown, out: Output, interrupted: boolean): number {
  const report = describeError(error, interrupted);
  if (out.json) {
    out.printJson({ error: errorJson(error, interrupted) });
  } else if (report.code === 'cancelled') {
    // A deliberate "No" is the user's choice, not a failure: plain, no red cross.
    out.info(`${report.message}${report.hint ? `. ${report.hint}` : ''}`);
  } else {
    out.error(report.message, report.hint);
  }
  if (out.debugEnabled && error instanceof Error && error.stack) out.debug(error.stack);
  return report.exitCode;
}

function apiDetails(error: LiumError): Pick<ErrorJson, 'status' | 'requestId' | 'log'> {
  const { status, requestId, log } = error as LiumError & {
    status?: unknown;
    requestId?: unknown;
    log?: unknown;
  };
  return {
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(typeof log === 'string' && log !== '' ? { log } : {}),
  };
}
