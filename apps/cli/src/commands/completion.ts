import { SHELLS } from '../command-words.ts';
import { completionScript } from '../completion-script.ts';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('shell', { choices: SHELLS, describe: 'Default: from $SHELL' })
      .example('eval "$(lium completion)"', 'add to ~/.bashrc or ~/.zshrc')
      .example('lium completion fish | source', 'add to ~/.config/fish/config.fish'),
  async handler(args, ctx) {
    if (ctx.out.json) {
      throw new CliUsageError(
        'lium completion prints a shell script, not JSON',
        'Drop --json: `eval "$(lium completion)"`.',
      );
    }
    ctx.out.raw(completionScript(args.shell, ctx.io.env));
  },
});
