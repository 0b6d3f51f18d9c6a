import { constants } from 'node:os';
import type { PodInfo } from '@lium/sdk';
import { readScript } from '../bundled-scripts.ts';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { asList, parseEnvArgs } from '../env-args.ts';
import { CliUsageError } from '../errors.ts';
import { plural, podLabel } from '../pods.ts';

interface ExecArgs {
  targets: string;
  command: string[] | undefined;
  script: string | undefined;
  env: string | string[] | undefined;
  '--': string[] | undefined;
  concurrency: number | undefined;
}

/** The remote command: the words after the targets (and after `--`), or a local script's text. */
async function commandOf(args: ExecArgs, ctx: CommandContext): Promise<string> {
  const words = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
  if (args.script !== undefined) {
    if (words.length > 0) throw new CliUsageError('Give a command or --script, not both');
    return readScript(args.script, ctx.io);
  }
  if (words.length === 0) {
    throw new CliUsageError(
      'Give a command to run',
      'e.g. `lium exec 1 "nvidia-smi"` or `--script run.sh`.',
    );
  }
  return words.join(' ');
}

function errorJson(error: unknown): { code: string; message: string } {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  return {
    code: typeof code === 'string' ? code : 'error',
    message: typeof message === 'string' ? message : String(error),
  };
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

export default defineCommand({
  builder: (yargs) =>
    yargs
      // `lium exec 1 ls -la`: options exec does not know belong to the remote command.
      .parserConfiguration({ 'unknown-options-as-args': true, 'populate--': true })
      .positional('targets', {
        type: 'string',
        demandOption: true,
        describe: 'Pods: index from `lium ps`, HUID, name, id, list (1,2), range (1-3), all',
      })
      .positional('command', { type: 'string', array: true, describe: 'Command to run (quote it)' })
      .option('script', {
        type: 'string',
        describe: 'Run this local script file instead (@jupyter: the one shipped with lium)',
      })
      // Not `array: true`: that would swallow the command words after `-e K=V`; repeating the
      // option still collects every value (yargs' duplicate-arguments-array).
      .option('env', {
        alias: 'e',
        type: 'string',
        describe: 'Set NAME=VALUE for the command (repeatable; never shown in logs)',
      })
      .option('concurrency', {
        type: 'number',
        describe: 'Pods to run on at once (default 32)',
      })
      .example('lium exec 1 nvidia-smi', 'run on the first pod of `lium ps`')
      .example(
        'lium exec all "python train.py" -e BATCH=64',
        'on every pod, output prefixed per pod',
      )
      .example('lium exec 1,2 --script setup.sh', 'run a local script on two pods'),
  async handler(rawArgs, ctx) {
    const args = rawArgs as unknown as ExecArgs;
    const env = parseEnvArgs(asList(args.env));
    const command = await commandOf(args, ctx);
    const lium = await ctx.lium();
    const pods = await lium.resolvePods(args.targets, { signal: ctx.signal });
    const { out } = ctx;
    if (pods.length === 1 && !out.json) {
      const [pod] = pods as [PodInfo];
      const result = await lium.executeCommand(pod, command, {
        env,
        signal: ctx.signal,
        onStdout: (chunk: Buffer | string) => out.raw(chunk),
        onStderr: (chunk: Buffer | string) => out.rawError(chunk),
      });
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
  for await (const event of lium.executeMany(pods, command, {
    env,
    signal: ctx.signal,
    ...(concurrency !== undefined ? { concurrency } : {}),
  })) {
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
      out.error(`${podLabel(event.pod)}: ${errorJson(event.error).message}`);
    } else if (code !== 0) {
      out.warn(`${podLabel(event.pod)} exited with ${code}`);
    }
  }
  // A pod that never reported counts as a failure (1); the first failing pod in target order wins.
  const failing = codes.map((code) => code ?? 1).filter((code) => code !== 0);
  ctx.exitCode = failing[0] ?? 0;
  if (!out.json && pods.length > 1) {
    if (failing.length === 0) out.success(`Succeeded on ${plural(pods.length, 'pod')}`);
    else out.warn(`Failed on ${failing.length} of ${plural(pods.length, 'pod')}`);
  }
}
