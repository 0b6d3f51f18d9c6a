import { LiumError } from '@lium/errors';

/**
 * Stable codes of {@link LiumConfigError}:
 * - `config_invalid`: the config file cannot be parsed (the message names the file and line);
 * - `config_unreadable`: the config file exists but cannot be read;
 * - `config_write_failed`: saving the config file failed (the old file is left as it was);
 * - `config_key_invalid`: a dotted key that cannot name an INI section and option;
 * - `config_value_invalid`: a value that cannot be stored or used (the message never shows it);
 * - `ssh_key_missing`: no usable SSH key pair was found;
 * - `profile_not_found`: the chosen profile has no `[profile NAME]` section (the message lists
 *   the profiles that exist);
 * - `profile_name_invalid`: a profile name with characters other than letters, digits, `.`, `_`, `-`.
 */
export const CONFIG_ERROR_CODES = [
  'config_invalid',
  'config_unreadable',
  'config_write_failed',
  'config_key_invalid',
  'config_value_invalid',
  'ssh_key_missing',
  'profile_not_found',
  'profile_name_invalid',
] as const;

/** One of {@link CONFIG_ERROR_CODES}. */
export type LiumConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** Alias of {@link LiumConfigErrorCode}, named like the other packages' unions. */
export type ConfigErrorCode = LiumConfigErrorCode;

/** What a {@link LiumConfigError} carries besides its message. */
export interface LiumConfigErrorOptions {
  /** What went wrong, as a stable code. */
  code: LiumConfigErrorCode;
  /** What to do about it, in one line. */
  hint?: string | undefined;
  /** The underlying error, when there is one. */
  cause?: unknown;
  /** The file the problem is in, when there is one. */
  file?: string | undefined;
  /** 1-based line number in `file`, for `config_invalid`. */
  line?: number | undefined;
}

/** A config file that cannot be read, parsed or written, a bad setting, or no SSH key. */
export class LiumConfigError extends LiumError<LiumConfigErrorCode> {
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;
  /** 1-based line number in `file`, for `config_invalid`. */
  readonly line: number | undefined;

  constructor(message: string, options: LiumConfigErrorOptions) {
    super(message, { code: options.code, hint: options.hint, cause: options.cause });
    this.file = options.file;
    this.line = options.line;
  }
}
