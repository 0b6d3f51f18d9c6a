import { LiumError, type LiumErrorOptions } from '@lium/errors';
import type { CliErrorCode, ErrorCode } from './error-codes.ts';

/** Bad command-line input: the user must change the command. Exit code 2. */
export class CliUsageError extends LiumError<CliErrorCode> {
  constructor(message: string, hint?: string) {
    super(message, { code: 'usage_error', hint: hint ?? 'Run `lium --help` for usage.' });
  }
}

/** The user pressed Ctrl-C (or the run's signal was aborted). Exit code 130. */
export class CliInterruptedError extends LiumError<CliErrorCode> {
  constructor(message = 'Interrupted', hint?: string) {
    super(message, { code: 'interrupted', hint });
  }
}

/** A failure found by the CLI itself (a missing local file, a refused confirmation, ...). */
/** (Its code is the CLI's own, or a library's when the CLI finds the same condition first.) */
export class CliError extends LiumError<ErrorCode> {
  constructor(message: string, options: LiumErrorOptions<ErrorCode>) {
    super(message, options);
  }
}
