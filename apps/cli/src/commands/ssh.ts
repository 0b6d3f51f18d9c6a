import { defineCommand } from '../define-command.ts';
import { CliError, CliUsageError } from '../errors.ts';
import { podLabel } from '../pods.ts';
import { describeForgotten, forgetHostKeys } from './known-hosts.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('target', {
        type: 'string',
        demandOption: true,
        describe: 'One pod: index from `lium ps`, HUID, name or id',
      })
      .option('reset-host-key', {
        type: 'boolean',
        default: false,
        describe: "Forget the pod's pinned host key first (after a rebuild or reboot changed it)",
      })
      .example('lium ssh 1', 'a shell on the first pod of `lium ps`')
      .example('lium ssh 1 --reset-host-key', 'connect after the pod got a new host key'),
  async handler(args, ctx) {
    const lium = await ctx.lium();
    const pods = await lium.resolvePods(args.target, { signal: ctx.signal });
    if (pods.length !== 1) {
      throw new CliUsageError(
        `"${args.target}" names ${pods.length} pods; ssh opens one`,
        'Pick one: `lium ssh <index|huid|name>`.',
      );
    }
    const pod = pods[0]!;
    if (!ctx.io.stdin.isTTY && !ctx.out.json) {
      ctx.out.warn('stdin is not a terminal: running a shell without a TTY.');
    }
    if (ctx.out.json) {
      throw new CliError('`lium ssh` is interactive and has no --json output', {
        code: 'json_unsupported',
        hint: 'Use `lium exec --json` to run commands from scripts.',
      });
    }
    if (args['reset-host-key']) {
      const [forgotten] = await forgetHostKeys(lium, [pod]);
      if (forgotten) ctx.out.info(describeForgotten(pod, forgotten));
    }
    ctx.out.info(ctx.out.c.dim(`Connecting to ${podLabel(pod)}… (exit or Ctrl-D to leave)`));
    ctx.exitCode = await lium.shell(pod, {
      stdin: ctx.io.stdin,
      stdout: ctx.io.stdout,
    });
  },
});
