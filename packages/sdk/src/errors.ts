import { LiumError } from '@lium/errors';

export type LiumTargetErrorCode =
  | 'target_not_found'
  | 'target_ambiguous'
  | 'no_snapshot'
  | 'target_invalid';

/** A target (index, HUID, name, id) that names nothing, several things, or needs a list first. */
export class LiumTargetError extends LiumError {
  declare readonly code: LiumTargetErrorCode;
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

export type LiumPodErrorCode = 'pod_not_ready' | 'pod_failed' | 'pod_no_ssh';

/** A pod that did not become usable, failed, vanished or cannot be reached yet. */
export class LiumPodError extends LiumError {
  declare readonly code: LiumPodErrorCode;
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
export class LiumUsageError extends LiumError {
  constructor(message: string, options: { code: string; hint?: string }) {
    super(message, options);
  }
}
