import { LiumError } from '@lium/errors';

/** Codes of {@link LiumTargetError}. */
export const TARGET_ERROR_CODES = [
  'target_not_found',
  'target_ambiguous',
  'no_snapshot',
  'target_invalid',
] as const;

/** One of {@link TARGET_ERROR_CODES}. */
export type LiumTargetErrorCode = (typeof TARGET_ERROR_CODES)[number];

/** Codes of {@link LiumPodError}. */
export const POD_ERROR_CODES = ['pod_not_ready', 'pod_failed', 'pod_no_ssh'] as const;

/** One of {@link POD_ERROR_CODES}. */
export type LiumPodErrorCode = (typeof POD_ERROR_CODES)[number];

/**
 * Codes of {@link LiumUsageError} (bad input to an SDK method): `time_spec_invalid`,
 * `time_spec_past`, `port_invalid`, `pod_exists` (a pod of that name is already there),
 * `no_template` (nothing to start a pod from), `no_match` (no machine fits the filter).
 */
export const USAGE_ERROR_CODES = [
  'time_spec_invalid',
  'time_spec_past',
  'port_invalid',
  'pod_exists',
  'no_template',
  'no_match',
  'usage_error',
  'ssh_key_invalid',
  'ssh_key_missing',
  'volume_exists',
] as const;

/** One of {@link USAGE_ERROR_CODES}. */
export type LiumUsageErrorCode = (typeof USAGE_ERROR_CODES)[number];

/**
 * Codes of {@link LiumSdkError} (everything else the SDK itself throws): `api_key_missing`,
 * `closed` (the instance was closed), `aborted`, `template_verify_failed`,
 * `template_not_verified`, `backup_failed`, `backup_timeout`, `restore_failed`, `restore_timeout`,
 * `job_not_found` (no detached job to attach to on the pod),
 * `port_forward_closed` (the SSH connection under a held port forward closed),
 * `local_port_unavailable` (a forward's local port is in use or not allowed),
 * `remote_port_unavailable` (the pod refused to listen on a `-R` forward's port).
 */
export const SDK_OWN_ERROR_CODES = [
  'api_key_missing',
  'closed',
  'aborted',
  'template_verify_failed',
  'template_not_verified',
  'backup_failed',
  'backup_timeout',
  'restore_failed',
  'restore_timeout',
  'job_not_found',
  'port_forward_closed',
  'local_port_unavailable',
  'remote_port_unavailable',
] as const;

/** One of {@link SDK_OWN_ERROR_CODES}. */
export type LiumSdkErrorCode = (typeof SDK_OWN_ERROR_CODES)[number];

/**
 * Every code an error thrown by `@lium/sdk` itself can carry. Errors from `@lium/api`,
 * `@lium/ssh` and `@lium/config` pass through unchanged with their own codes
 * (`API_ERROR_CODES`, `SSH_ERROR_CODES`, `CONFIG_ERROR_CODES`).
 */
export const SDK_ERROR_CODES = [
  ...TARGET_ERROR_CODES,
  ...POD_ERROR_CODES,
  ...USAGE_ERROR_CODES,
  ...SDK_OWN_ERROR_CODES,
] as const;

/** One of {@link SDK_ERROR_CODES}. */
export type SdkErrorCode = (typeof SDK_ERROR_CODES)[number];

/** An SDK failure that is not about a target, a pod or the caller's input (see its codes). */
export class LiumSdkError extends LiumError<LiumSdkErrorCode> {}

/** A target (index, HUID, name, id) that names nothing, several things, or needs a list first. */
export class LiumTargetError extends LiumError<LiumTargetErrorCode> {
  /** What the target matched (ambiguous) or what exists (not found), as HUID/name labels. */
  readonly candidates: readonly string[];

  constructor(
    message: string,
    options: { code: LiumTargetErrorCode; hint?: string; candidates?: readonly string[] },
  ) {
    super(message, { code: options.code, hint: options.hint });
    this.candidates = options.candidates ?? [];
  }
}

/** A pod that did not become usable, failed, vanished or cannot be reached yet. */
export class LiumPodError extends LiumError<LiumPodErrorCode> {
  /** The pod's id. */
  readonly podId: string;
  /** The last status the API reported, when known. */
  readonly status: string | undefined;

  constructor(
    message: string,
    options: {
      code: LiumPodErrorCode;
      podId: string;
      status?: string;
      hint?: string;
      cause?: unknown;
    },
  ) {
    super(message, { code: options.code, hint: options.hint, cause: options.cause });
    this.podId = options.podId;
    this.status = options.status;
  }
}

/** Bad input to an SDK method (a time spec, a port, a missing option). */
export class LiumUsageError extends LiumError<LiumUsageErrorCode> {
  constructor(message: string, options: { code: LiumUsageErrorCode; hint?: string | undefined }) {
    super(message, options);
  }
}
