import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { PodInfo } from '@lium/sdk';
import type { Argv } from 'yargs';
import { readScript } from '../bundled-scripts.ts';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { type ArgsOf, defineCommand } from '../define-command.ts';
import { envFromOptions } from '../env-args.ts';
import { CliInterruptedError, CliUsageError } from '../errors.ts';
import { describeError, errorJson } from '../handle-error.ts';
import { POD_TARGETS } from '../pod-targets.ts';
import { plural, podLabel } from '../pods.ts';
import { remoteCommandText } from '../remote-command.ts';
import { untilAborted } from '../until-aborted.ts';
import { explainLongCommand } from './exec-errors.ts';
import { EXEC_OPTIONS } from './exec-options.ts';
import { scriptCommand } from './exec-script.ts';

type ExecArgs = ArgsOf<typeof builder>;

/** The command's environment: every --env-file in order, then --env on top. */
function envOf(args: ExecArgs, ctx: CommandContext): Promise<Record<string, string>> {
  return envFromOptions(args, ctx.io);
}

/**
 * The remote command: the words after the targets (one word is a shell command line, several
 * an exact argv), or a local script's text run under its `#!` line with those words as arguments.
 */
async function commandOf(args: ExecArgs, ctx: CommandContext): Promise<string> {
  const words = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
  if (args.script !== undefined) return scriptCommand(await readScript(args.script, ctx.io), words);
  if (words.length === 0) {
    throw new CliUsageError(
      'lium exec needs TARGETS and a COMMAND',
      'Usage: lium exec TARGETS COMMAND… (or --script FILE); see `lium exec --help`.',
    );
  }
  return remoteCommandText(words);
}

/** Piped stdin (not a terminal) goes to the command on one pod, as `ssh host cmd` would. */
function stdinOf(ctx: CommandContext): Readable | undefined {
  return ctx.io.stdin.isTTY ? undefined : (ctx.io.stdin as Readable);
}

/**
 * The remote exit code; a command killed by a signal exits 128 + its number, as a local shell
 * would report it (SSH names the signal without `SIG`).
 */
export function exitCodeOf(
  result: { exitCode: number | null; signal?: string | null } | undefined,
): number {
  if (!result) return 1;
  if (result.exitCode !== null) return result.exitCode;
  const name = result.signal ? `SIG${result.signal.replace(/^SIG/, '')}` : '';
  const number = (constants.signals as Record<string, number | undefined>)[name];
  return number === undefined ? 1 : 128 + number;
}

const builder = (yargs: Argv<GlobalArgs>) =>
  yargs
    // `lium exec 1 ls -la`: options exec does not know belong to the remote command.
    // The remote command arrives behind `--` (see remote-command.ts), never parsed as options.
    .parserConfiguration({ 'populate--': true })
    .positional('targets', POD_TARGETS)
    .positional('command', {
      type: 'string',
      array: true,
      describe:
        "Everything after TARGETS, verbatim (lium's options go before it): one word is a shell command line, several an exact argv. Piped stdin is forwarded on one pod; with several pods the command's stdin is empty",
    })
    .options(EXEC_OPTIONS)
    .example('lium exec 1 nvidia-smi', 'run on the first pod of `lium ps`')
    .example('lium exec all -e BATCH=64 python train.py', 'on every pod, output prefixed per pod')
    .example(`lium exec 1 -- python3 -c 'print("a b")'`, 'several words run as exactly that argv')
    .example('lium exec 1 "ls *.py | wc -l"', 'one quoted word is a remote shell command line')
    .example('echo data | lium exec 1 cat', 'piped stdin reaches the command (one pod only)')
    .example(
      'lium exec 1 -s train.py -- --epochs 3',
      'a local script under its #! line, with arguments',
    )
    .example('lium exec 1,2 --script setup.sh', 'run a local script on two pods')
    .example('lium exec 1 -e HF_TOKEN python fetch.py', 'pass $HF_TOKEN without typing it');

export default defineCommand({
  builder,
  async handler(args, ctx) {
    const env = await envOf(args, ctx);
    const command = await commandOf(args, ctx);
    const lium = await ctx.lium();
    const { out } = ctx;
    // `lium exec 1`: the handshake to the address the last `lium ps` showed starts while the
    // API confirms the pod; nothing runs on it unless the API names the same pod there.
    const pods = await lium.resolvePods(args.targets, {
      signal: ctx.signal,
      preconnect: true,
      onPreconnect: (outcome) => out.debug(`preconnect: ${JSON.stringify(outcome)}`),
    });
    if (pods.length === 1 && !out.json) {
      const [pod] = pods as [PodInfo];
      const stdin = stdinOf(ctx);
      const result = await lium
        .executeCommand(pod, command, {
          env,
          signal: ctx.signal,
          stdin,
          onStdout: (chunk: Buffer | string) => out.raw(chunk),
          onStderr: (chunk: Buffer | string) => out.rawError(chunk),
        })
        .catch((error: unknown) => {
          throw explainLongCommand(error, command);
        });
      // Stop reading our stdin (an open pipe would keep lium alive after the command ended).
      stdin?.unpipe();
      stdin?.pause();
      ctx.exitCode = exitCodeOf(result);
      return;
    }
    if (args.concurrency !== undefined && !(args.concurrency >= 1)) {
      throw new CliUsageError('--concurrency must be 1 or more');
    }
    await execOnMany(pods, command, env, args.concurrency, ctx);
  },
});

/** Several pods (or `--json`): lines tagged by pod, then one result per pod. */
async function execOnMany(
  pods: readonly PodInfo[],
  command: string,
  env: Record<string, string>,
  concurrency: number | undefined,
  ctx: CommandContext,
): Promise<void> {
  const { out } = ctx;
  const lium = await ctx.lium();
  const order = new Map(pods.map((pod, i) => [pod.id, i]));
  const width = Math.max(...pods.map((pod) => pod.huid.length));
  const codes: (number | undefined)[] = pods.map(() => undefined);
  const events = lium.executeMany(pods, command, {
    env,
    signal: ctx.signal,
    concurrency,
  });
  for await (const event of untilAborted(events, ctx.signal)) {
    const index = order.get(event.pod.id) ?? 0;
    if (event.type === 'line') {
      if (out.json) {
        out.printJsonLine({
          type: 'line',
          pod: event.pod.huid,
          pod_id: event.pod.id,
          stream: event.stream,
          line: event.line,
        });
        continue;
      }
      const tag = out.data.cycle(index)(event.pod.huid.padEnd(width));
      const line = `${tag} │ ${event.line}\n`;
      if (event.stream === 'stderr') out.rawError(line);
      else out.raw(line);
      continue;
    }
    const code = event.error ? 1 : exitCodeOf(event.result);
    codes[index] = code;
    if (out.json) {
      out.printJsonLine({
        type: 'result',
        pod: event.pod.huid,
        pod_id: event.pod.id,
        exit_code: event.error ? null : (event.result?.exitCode ?? null),
        ...(event.error ? { error: errorJson(event.error) } : {}),
      });
    } else if (event.error) {
      const error = explainLongCommand(event.error, command);
      // The same hint a single failure gets (e.g. how to reset a changed host key).
      const report = describeError(error, ctx.interrupted);
      out.error(`${podLabel(event.pod)}: ${report.message}`, report.hint);
    } else if (code !== 0) {
      out.warn(`${podLabel(event.pod)} exited with ${code}`);
    }
  }
  // Ctrl-C: one "Interrupted" line (exit 130), not an "aborted" error per pod.
  if (ctx.interrupted) throw new CliInterruptedError();
  // A pod that never reported counts as a failure (1); the first failing pod in target order wins.
  const failing = codes.map((code) => code ?? 1).filter((code) => code !== 0);
  ctx.exitCode = failing[0] ?? 0;
  if (!out.json && pods.length > 1) {
    if (failing.length === 0) out.success(`Succeeded on ${plural(pods.length, 'pod')}`);
    else out.warn(`Failed on ${failing.length} of ${plural(pods.length, 'pod')}`);
  }
}
