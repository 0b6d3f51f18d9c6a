import { isLiumError } from '@lium/errors';
import type { SshErrorCode } from '@lium/ssh';
import { CliError } from '../errors.ts';

/** Commands longer than this are likelier refused for their length than for anything else. */
export const LONG_COMMAND_BYTES = 16 * 1024;

const REFUSALS: ReadonlySet<string> = new Set(['ssh_disconnected', 'ssh_channel_open_failed']);

/**
 * A long command whose exec the server refused (it closed the channel or the connection): say
 * the command was too long for it, and how to send it instead, not only "connection closed".
 */
export function explainLongCommand(error: unknown, command: string): unknown {
  const bytes = Buffer.byteLength(command);
  if (bytes <= LONG_COMMAND_BYTES || !isLiumError(error) || !REFUSALS.has(error.code)) {
    return error;
  }
  return new CliError(
    `The pod's SSH server refused the command, probably because it is too long (${Math.round(bytes / 1024)} KB): ${error.message}`,
    {
      code: error.code as SshErrorCode,
      hint: 'Put it in a file and run `lium exec TARGETS --script FILE` (see `lium exec --help`).',
      cause: error,
    },
  );
}
