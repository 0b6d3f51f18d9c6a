import { completionScript } from '../completion.ts';
import { defineCommand } from '../define-command.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('shell', { choices: ['bash', 'zsh'] as const, describe: 'Default: from $SHELL' })
      .example('eval "$(lium completion)"', 'add to ~/.bashrc or ~/.zshrc'),
  async handler(args, ctx) {
    ctx.out.raw(completionScript(args.shell, ctx.io.env));
  },
});
