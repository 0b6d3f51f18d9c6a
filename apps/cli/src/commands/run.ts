import { isLiumError } from '@lium/errors';
import type {
  ExecutorInfo,
  Lium,
  PodInfo,
  RunJobEvent,
  RunJobResult,
  RunJobTarget,
} from '@lium/sdk';
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { type ArgsOf, defineCommand } from '../define-command.ts';
import { parseEnvArgs } from '../env-args.ts';
import { CliError, CliInterruptedError, CliUsageError } from '../errors.ts';
import { localPath, requireLocal } from '../local-files.ts';
import { flag, number, options, repeatable, text } from '../options.ts';
import { formatUsd } from '../output/format.ts';
import { podLabel } from '../pods.ts';
import { explainRentNotFound } from '../rent-errors.ts';
import { guardSpend } from '../spend.ts';
import { exitCodeOf } from './exec.ts';

type RunArgs = ArgsOf<typeof builder>;

const builder = (yargs: Argv<GlobalArgs>) =>
  yargs
    .parserConfiguration({ 'populate--': true })
    .positional('target', {
      type: 'string',
      describe: 'A pod to reuse (index from `lium ps`, HUID, name, id); omit it with --gpu',
    })
    .positional('command', { type: 'string', array: true, describe: 'The command (after --)' })
    .options(
      options({
        gpu: text('Rent the best machine with this GPU (row 1 of `lium ls GPU`)'),
        count: number('whole-positive', 'With --gpu: exact number of GPUs'),
        'max-price': number('positive', 'With --gpu: highest $ per GPU-hour'),
        country: text('With --gpu: country code'),
        image: text('Template id for a rented pod (see `lium templates`)', { alias: 'template' }),
        name: text('Pod name; a running pod of this name is reused instead of renting'),
        sync: text('Local directory to send to the pod (default: the current directory)'),
        'include-env': flag('Also send .env* files (never sent otherwise)'),
        exclude: repeatable('Also leave out matching paths (rsync rules, repeatable)'),
        pull: repeatable(
          'Bring this path back afterwards, into ./lium-runs/<pod>/ (relative to the job dir; repeatable)',
        ),
        'pull-dir': text('Where pulled outputs land (default ./lium-runs)'),
        keep: flag('Leave the pod running afterwards (pods you named as TARGET are never stopped)'),
        detach: flag('Start the command in the background, leave the pod running and return'),
        attach: text(
          'Follow the job a --detach run started on this pod, then pull and stop it as a run would (unless --keep)',
        ),
        env: repeatable('Set NAME=VALUE for the command, or NAME to pass your own $NAME', {
          alias: 'e',
        }),
        'allow-over-budget': flag('Rent even beyond budget.max_hourly / budget.max_price'),
        'wait-timeout': text(
          'Give up waiting for a rented pod after this long (15m, 90s); --timeout bounds the whole run',
          { default: '15m' },
        ),
      }),
    )
    .example(
      'lium run --gpu H100 --pull out -- python train.py',
      'rent, sync ., train, pull out/, stop',
    )
    .example('lium run 1 -- nvidia-smi', 'run on pod 1 of `lium ps` (left running)')
    .example('lium run --gpu A100 --name exp1 --detach -- ./train.sh', 'start and leave it running')
    .example('lium run --attach exp1 --pull out', 'follow it to the end, pull out/, stop the pod');

/** The target word and the command words (the command is everything after `--`). */
function splitWords(args: RunArgs): { target: string | undefined; command: string } {
  if (args.attach !== undefined) {
    const extra = [args.target, ...(args.command ?? []), ...(args['--'] ?? [])];
    if (extra.some((word) => word !== undefined) || args.gpu || args.detach) {
      throw new CliUsageError(
        '--attach follows a job already started: give no TARGET, command, --gpu or --detach',
        'e.g. `lium run --attach exp1 --pull out`.',
      );
    }
    return { target: args.attach, command: '' };
  }
  const before = [args.target, ...(args.command ?? [])].filter((w) => w !== undefined).map(String);
  const after = (args['--'] ?? []).map(String);
  let target: string | undefined;
  let words: string[];
  if (after.length > 0) {
    if (before.length > 1) {
      throw new CliUsageError(
        `Expected at most one TARGET before --, got ${before.length} words`,
        'e.g. `lium run 1 -- python train.py`.',
      );
    }
    target = before[0];
    words = after;
  } else if (args.gpu) {
    words = before;
  } else {
    target = before[0];
    words = before.slice(1);
  }
  if (words.length === 0) {
    throw new CliUsageError(
      'Give the command to run after --',
      'e.g. `lium run --gpu H100 -- python train.py`.',
    );
  }
  if (target !== undefined && args.gpu)
    throw new CliUsageError('Give a TARGET pod or --gpu, not both');
  return { target, command: words.join(' ') };
}

async function chooseTarget(
  lium: Lium,
  args: RunArgs,
  target: string | undefined,
  ctx: CommandContext,
): Promise<{ target: RunJobTarget; renting?: ExecutorInfo }> {
  if (target !== undefined) {
    const pods = await lium.resolvePods(target, { signal: ctx.signal });
    if (pods.length !== 1) throw new CliUsageError(`TARGET must name one pod, not ${pods.length}`);
    return { target: { pod: pods[0] as PodInfo } };
  }
  if (args.name) {
    const existing = await lium.getPodByName(args.name, { signal: ctx.signal });
    if (existing?.status === 'RUNNING') return { target: { pod: existing } };
  }
  if (!args.gpu) {
    throw new CliUsageError(
      'Name a pod to run on, or pass --gpu to rent one',
      'e.g. `lium run --gpu H100 -- python train.py` or `lium run 1 -- nvidia-smi`.',
    );
  }
  try {
    const executor = await lium.bestExecutor({
      gpuType: args.gpu,
      gpuCount: args.count,
      maxPricePerGpuHour: args.maxPrice,
      country: args.country,
      signal: ctx.signal,
    });
    return { target: { executor }, renting: executor };
  } catch (error) {
    if (!(isLiumError(error) && error.code === 'no_match')) throw error;
    throw new CliError(`No ${args.gpu} machine matches`, {
      code: 'no_match',
      hint: 'Loosen --count/--max-price/--country, or see what exists with `lium ls`.',
    });
  }
}

export default defineCommand({
  builder,
  async handler(args, ctx) {
    const sdk = await import('@lium/sdk');
    const { target: targetWord, command } = splitWords(args);
    const timeoutMs = sdk.parseDuration(args.waitTimeout, { seconds: true });
    const env = parseEnvArgs(args.env ?? [], ctx.io.env);
    const syncDir = localPath(args.sync ?? '.', ctx.io);
    if (!(await requireLocal(syncDir, 'Sync directory')).isDirectory) {
      throw new CliUsageError(`--sync must be a directory: ${args.sync}`);
    }
    const pullDir = localPath(args.pullDir ?? 'lium-runs', ctx.io);
    const { out } = ctx;
    const lium = await ctx.lium();
    const { target, renting } = await chooseTarget(lium, args, targetWord, ctx);
    if (renting) {
      out.info(
        `  ${out.c.cyan(renting.huid)}  ${renting.gpuCount}×${renting.gpuType}  ${out.c.bold(formatUsd(renting.pricePerHour))}/h`,
      );
      const runway = await guardSpend(lium, [renting], ctx, { allowOver: args.allowOverBudget });
      if (runway) out.info(`  balance: ${runway}`);
      await ctx.confirm(
        `Rent ${renting.huid} for ${formatUsd(renting.pricePerHour)}/h to run \`${command}\`${args.keep || args.detach ? '' : ' (stopped afterwards)'}?`,
        'rent a pod',
      );
    }

    let pod: PodInfo | undefined;
    let reused = 'pod' in target;
    let attached = false;
    // A job followed with --attach (or by --name) is stopped at its end like one started here.
    const willStop = () => (!reused || attached) && !args.keep && !args.detach;
    let phase = 'rent';
    let interruptedIn: string | undefined;
    const onInterrupt = () => {
      interruptedIn = phase;
      const name = pod ? pod.huid : undefined;
      out.warn(
        name && willStop()
          ? `${ctx.timedOut ? 'Out of time (--timeout)' : 'Interrupted'}: stopping the command, pulling what exists, then stopping ${podLabel(pod as PodInfo)}. If this is cut short, stop it with \`lium down ${name}\`.`
          : `${ctx.timedOut ? 'Out of time (--timeout)' : 'Interrupted'}: stopping…`,
      );
    };
    if (ctx.signal.aborted) onInterrupt();
    else ctx.signal.addEventListener('abort', onInterrupt, { once: true });
    // A rented pod is stopped whatever is pressed: the second Ctrl-C only skips the pull, and
    // the third, which exits at once, still names the pod and how to stop it.
    const podName = args.name ?? renting?.huid;
    let gone = false;
    const stages = ctx.holdInterrupts(() => {
      if ((reused && !attached) || gone) return;
      const word = pod ? pod.huid : podName;
      out.stopAnimations();
      out.warn(
        word
          ? `Exiting now: ${pod ? podLabel(pod) : `a pod named ${word}`} may still be running. Check \`lium ps\` and stop it with \`lium down ${word}\`.`
          : 'Exiting now: check `lium ps` for a pod this run may have rented.',
      );
    });
    const onSecond = () => {
      if (!willStop()) return;
      const label = pod ? podLabel(pod) : podName ? `the pod ${podName}` : 'the pod';
      out.warn(
        `Skipping the pull; still stopping ${label}. Ctrl-C again exits at once (the pod may keep running).`,
      );
    };
    stages.second.addEventListener('abort', onSecond, { once: true });
    const spinner = out.spinner(renting ? `Renting ${renting.huid}…` : 'Preparing…');
    const onEvent = (event: RunJobEvent) => {
      if (event.type === 'phase') phase = event.phase;
      if (event.type === 'rented') {
        pod = event.pod;
        reused = event.reused;
        spinner.succeed(`${podLabel(event.pod)} is ${event.reused ? 'reused' : 'ready'}`);
      } else if (event.type === 'attached') {
        attached = true;
        out.info(
          event.running
            ? `Following the job on ${podLabel(event.pod)}${args.attach === undefined ? ` (it is still running: \`${command}\` is not started again)` : ''}`
            : `The job on ${podLabel(event.pod)} has ended; its output:`,
        );
      } else if (event.type === 'synced') {
        out.info(`Synced ${event.files} file${event.files === 1 ? '' : 's'} to ${event.pod.huid}`);
      } else if (event.type === 'phase' && event.phase === 'run' && !args.detach) {
        out.info(out.c.dim(`$ ${command}`));
      } else if (event.type === 'pulled') {
        if (event.found) out.info(`Pulled ${event.path} → ${event.localPath}`);
        else out.warn(`Nothing to pull at ${event.path}`);
      } else if (event.type === 'stopped') {
        gone = true;
        out.info(`Stopped ${podLabel(event.pod)}`);
      }
    };
    const result = await sdk
      .runJob(lium, {
        target,
        command,
        name: args.name,
        templateId: args.image,
        syncDir,
        includeEnv: args.includeEnv,
        exclude: args.exclude,
        pull: args.pull,
        pullDir,
        keep: args.keep || args.detach,
        detach: args.detach,
        // --attach POD follows its job; a running pod of --name follows its job while it runs.
        attach: args.attach !== undefined ? 'always' : 'if-running',
        env,
        waitTimeoutMs: timeoutMs,
        signal: ctx.signal,
        skipPullSignal: stages.second,
        onEvent,
        // With --json, stdout is the result alone: the job's own output goes to stderr.
        onStdout: (chunk) => (out.json ? out.rawError(chunk) : out.raw(chunk)),
        onStderr: (chunk) => out.rawError(chunk),
      })
      .finally(() => {
        spinner.stop();
        ctx.signal.removeEventListener('abort', onInterrupt);
        stages.second.removeEventListener('abort', onSecond);
        stages.release();
      });
    report(result, args, ctx, command, interruptedIn ?? result.phase);
  },
});

/** Prints the result (or its JSON), names what was left behind, and sets the exit code. */
function report(
  result: RunJobResult,
  args: RunArgs,
  ctx: CommandContext,
  command: string,
  interruptedIn: string,
): void {
  const { out } = ctx;
  const pod = result.pod;
  if (result.leftovers.length > 0) {
    out.warn(
      `Could not confirm these pods are gone: ${result.leftovers.join(', ')}. Check \`lium ps\` and stop them with \`lium down ${result.leftovers.join(',')}\`.`,
    );
  }
  if (out.json) {
    out.printJson({
      pod: pod?.huid ?? null,
      pod_id: pod?.id ?? null,
      name: pod?.name ?? null,
      reused: result.reused,
      command,
      exit_code: result.exitCode,
      signal: result.signal,
      phase: result.aborted ? interruptedIn : result.phase,
      interrupted: result.aborted,
      pulled: result.pulled,
      stopped: result.stopped,
      leftovers: result.leftovers,
      attached: result.attached,
      ...(result.detached ? { log: result.detached.log } : {}),
    });
  }
  if (result.aborted) {
    throw new CliInterruptedError(
      `Interrupted during ${interruptedIn}`,
      result.stopped || !pod ? 'No pod was left running.' : `${podLabel(pod)} is still running.`,
    );
  }
  if (result.error !== undefined) {
    throw result.phase === 'rent'
      ? explainRentNotFound(
          result.error,
          'The machine was rented by someone else since it was listed: run again (it picks the best free one), or see `lium ls`.',
        )
      : result.error;
  }
  if (pod && !result.stopped && !out.json) {
    if (args.detach && result.detached) {
      out.success(`Started on ${podLabel(pod)}; it keeps running`);
      out.info(
        `  follow: lium run --attach ${pod.huid} (then pull and stop)   log: lium exec ${pod.huid} -- tail -f ${result.detached.log}`,
      );
      out.info(`  stop:   lium down ${pod.huid}`);
    } else {
      out.info(
        out.c.dim(`${podLabel(pod)} keeps running: \`lium down ${pod.huid}\` to stop paying.`),
      );
    }
  }
  ctx.exitCode = args.detach ? (result.exitCode === 0 ? 0 : 1) : exitCodeOf(result);
}
