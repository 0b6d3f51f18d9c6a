import type { Readable } from 'node:stream';
import { defineCommand } from '../define-command.ts';
import { CliError, CliUsageError } from '../errors.ts';
import { ONE_POD } from '../one-pod.ts';
import { podLabel } from '../pods.ts';
import { remoteCommandText } from '../remote-command.ts';
import { exitCodeOf } from './exec.ts';
import { describeForgotten, forgetHostKeys } from './known-hosts.ts';
import { SSH_OPTIONS } from './ssh-options.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('target', ONE_POD)
      .positional('command', {
        type: 'string',
        array: true,
        describe:
          'Run this instead of a shell, verbatim (as `lium exec`); piped stdin reaches it. Without a command and with piped stdin, a plain non-interactive shell reads it',
      })
      // The remote command arrives behind `--` (see remote-command.ts), never parsed as options.
      .parserConfiguration({ 'populate--': true })
      .options(SSH_OPTIONS)
      .example('lium ssh 1', 'a shell on the first pod of `lium ps`')
      .example('lium ssh 1 nvidia-smi', 'run one command (or `lium ssh 1 -- hostname`)')
      .example('echo hostname | lium ssh 1', 'piped stdin: a plain shell, no prompts')
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
    const words = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
    const stdin = ctx.io.stdin.isTTY ? undefined : (ctx.io.stdin as Readable);
    if (words.length > 0 || stdin !== undefined) {
      // A command, or piped stdin: no terminal, so no prompts or bracketed-paste escapes.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
      const shell = 'exec "${SHELL:-sh}" -s';
      const command = words.length > 0 ? remoteCommandText(words) : shell;
      const result = await lium.executeCommand(pod, command, {
        signal: ctx.signal,
        ...(stdin !== undefined ? { stdin } : {}),
        onStdout: (chunk: Buffer | string) => ctx.out.raw(chunk),
        onStderr: (chunk: Buffer | string) => ctx.out.rawError(chunk),
      });
      stdin?.unpipe();
      stdin?.pause();
      ctx.exitCode = exitCodeOf(result);
      return;
    }
    ctx.out.info(ctx.out.c.dim(`Connecting to ${podLabel(pod)}… (exit or Ctrl-D to leave)`));
    ctx.exitCode = await lium.shell(pod, {
      stdin: ctx.io.stdin,
      stdout: ctx.io.stdout,
    });
  },
});
