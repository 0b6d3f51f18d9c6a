import { LiumError } from '@lium/errors';

/** Bad command-line input: the user must change the command. Exit code 2. */
export class CliUsageError extends LiumError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'usage_error', hint: hint ?? 'Run `lium --help` for usage.' });
  }
}

/** The user pressed Ctrl-C (or the run's signal was aborted). Exit code 130. */
export class CliInterruptedError extends LiumError {
  constructor(message = 'Interrupted', hint?: string) {
    super(message, { code: 'interrupted', hint });
  }
}

/** A failure found by the CLI itself (a missing local file, a refused confirmation, ...). */
export class CliError extends LiumError {}
