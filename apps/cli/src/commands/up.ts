import { defineCommand } from '../define-command.ts';
import { CliError } from '../errors.ts';

export default defineCommand({
  builder: (yargs) => yargs,
  async handler() {
    throw new CliError('This command is not available yet', { code: 'not_implemented' });
  },
});
