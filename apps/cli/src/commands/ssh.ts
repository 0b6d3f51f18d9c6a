import type { Readable } from 'node:stream';
import type { Lium, OpenSshForward, PodInfo, SshForwardSpec } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliUsageError } from '../errors.ts';
import { EXIT_INTERRUPTED } from '../handle-error.ts';
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
      .example(
        'lium ssh 1 -L 8888:localhost:8888',
        "a shell, and the pod's port 8888 on 127.0.0.1:8888",
      )
      .example('lium ssh 1 -N -R 9000:localhost:3000', 'only forwards: the pod reaches your :3000')
      .example('lium ssh 1 -N -D 1080', 'a SOCKS5 proxy on 127.0.0.1:1080 out of the pod')
      .example('lium ssh 1 --reset-host-key', 'connect after the pod got a new host key')
      .epilogue(
        "-L, -R and -D take OpenSSH's forms, may be repeated, go through the pinned SSH connection and are held for the whole session. Local ends bind 127.0.0.1 unless a bind_address is given (OpenSSH binds localhost too). -N holds them without a shell until Ctrl-C (exit 130).",
      ),
  async handler(args, ctx) {
    const sdk = await import('@lium/sdk');
    // Bad forward specs are usage errors before anything connects.
    const specs: SshForwardSpec[] = [
      ...(args.localForward ?? []).map((text) => sdk.parseSshForward('local', text)),
      ...(args.remoteForward ?? []).map((text) => sdk.parseSshForward('remote', text)),
      ...(args.dynamicForward ?? []).map((text) => sdk.parseSshForward('dynamic', text)),
    ];
    const words = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
    if (args.forwardsOnly && words.length > 0) {
      throw new CliUsageError(
        '-N runs no command, but one was given',
        'Drop -N to run the command, or drop the command to only hold the forwards.',
      );
    }
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
    const forwards = await sdk.openSshForwards(sdk.sshForwardDepsOf(lium), pod, specs, {
      signal: ctx.signal,
    });
    try {
      for (const forward of forwards.forwards)
        ctx.out.info(ctx.out.c.dim(describeForward(forward)));
      if (args.forwardsOnly) {
        await holdUntilInterrupted(forwards.disconnected, pod, ctx);
        return;
      }
      await session(lium, pod, words, ctx);
    } finally {
      await forwards.close();
    }
  },
});

/** `-N`: nothing but the forwards, until Ctrl-C (exit 130, no error) or the connection drops. */
async function holdUntilInterrupted(
  disconnected: Promise<void>,
  pod: PodInfo,
  ctx: CommandContext,
): Promise<void> {
  ctx.out.info(ctx.out.c.dim(`Holding the forwards to ${podLabel(pod)} (Ctrl-C to stop)`));
  const ended = await new Promise<'aborted' | 'disconnected'>((resolve) => {
    if (ctx.signal.aborted) resolve('aborted');
    else ctx.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    void disconnected.then(() => resolve('disconnected'));
  });
  if (ended === 'disconnected' && !ctx.signal.aborted) {
    throw new CliError(`The SSH connection to ${podLabel(pod)} closed; the forwards are down`, {
      code: 'port_forward_closed',
      hint: 'Check the pod with `lium ps`, then run `lium ssh` again.',
    });
  }
  ctx.exitCode = EXIT_INTERRUPTED;
}

/** One line per forward, as it listens (the port picked when 0 was asked). */
function describeForward({ spec, boundPort }: OpenSshForward): string {
  const host = (address: string) =>
    address === '' ? '*' : address.includes(':') ? `[${address}]` : address;
  if (spec.kind === 'local') {
    return `-L ${host(spec.bindHost)}:${boundPort} → ${host(spec.host)}:${spec.port} from the pod`;
  }
  if (spec.kind === 'remote') {
    return `-R the pod's ${host(spec.bindHost)}:${boundPort} → ${host(spec.host)}:${spec.port} from here`;
  }
  return `-D SOCKS5 proxy on ${host(spec.bindHost)}:${boundPort}, connecting from the pod`;
}

/** The shell or the command, as without forwards. */
async function session(
  lium: Lium,
  pod: PodInfo,
  words: string[],
  ctx: CommandContext,
): Promise<void> {
  const stdin = ctx.io.stdin.isTTY ? undefined : (ctx.io.stdin as Readable);
  if (words.length > 0 || stdin !== undefined) {
    // A command, or piped stdin: no terminal, so no prompts or bracketed-paste escapes.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
    const shell = 'exec "${SHELL:-sh}" -s';
    const command = words.length > 0 ? remoteCommandText(words) : shell;
    const result = await lium.executeCommand(pod, command, {
      signal: ctx.signal,
      stdin,
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
}
