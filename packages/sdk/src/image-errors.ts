import { LiumError } from '@lium/errors';

/** Every `code` a {@link LiumImageError} can carry. */
export type LiumImageErrorCode =
  /** The `dockerode` package is not installed next to the SDK. */
  | 'dockerode_missing'
  /** No Docker engine answers at DOCKER_HOST (or the default socket). */
  | 'docker_unavailable'
  /** NAME, tag, registry or DIR is not usable. */
  | 'image_invalid'
  /** DIR has no Dockerfile. */
  | 'dockerfile_missing'
  /** No registry login in the environment, the config or the account. */
  | 'docker_credentials_missing'
  /** The registry refused the username and password. */
  | 'docker_login_failed'
  /** The Dockerfile did not build. */
  | 'image_build_failed'
  /** The registry refused the push. */
  | 'image_push_failed'
  /** The platform could not pull or start the pushed image. */
  | 'template_verify_failed'
  /** Verification did not finish in time. */
  | 'template_not_verified';

/** A step of building, pushing or verifying an image that failed. */
export class LiumImageError extends LiumError {
  declare readonly code: LiumImageErrorCode;
  /** The engine's or verifier's own words (build output tail, verifier log), when there are any. */
  readonly details: string | undefined;
  /** The template created before verification failed, if one was. */
  readonly templateId: string | undefined;

  constructor(
    message: string,
    options: {
      code: LiumImageErrorCode;
      hint?: string;
      details?: string;
      templateId?: string;
      cause?: unknown;
    },
  ) {
    super(message, { code: options.code, hint: options.hint, cause: options.cause });
    this.details = options.details;
    this.templateId = options.templateId;
  }
}
