import type { ApiErrorCode } from '@lium/api';
import type { ConfigErrorCode } from '@lium/config';
import type { SdkErrorCode } from '@lium/sdk';
import type { SshErrorCode } from '@lium/ssh';

/** Codes the CLI itself throws (in `--json` errors as `error.code`). */
export const CLI_ERROR_CODES = [
  'usage_error',
  'interrupted',
  'cancelled',
  'confirmation_required',
  'config_key_unset',
  'editor_failed',
  'internal_error',
  'json_unsupported',
  'local_file_missing',
  'ssh_keygen_failed',
  'ssh_keygen_missing',
  'passphrase_mismatch',
  'stop_failed',
  'pay_api_key_missing',
  'jupyter_failed',
  'over_budget',
  'reboot_failed',
  'delete_failed',
  'command_timeout',
  'pod_not_running',
] as const;

/** One of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/**
 * Every code a `lium` run can end with: the packages' own unions plus the CLI's. The CLI's
 * tables (hints, exit codes, "may have rented") are keyed by it, so a renamed or removed code
 * is a compile error, not a hint that silently stops showing.
 */
export type ErrorCode = ApiErrorCode | SshErrorCode | ConfigErrorCode | SdkErrorCode | CliErrorCode;
