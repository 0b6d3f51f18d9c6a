import type { ExecutorInfo, Lium, PodInfo } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliInterruptedError, CliUsageError } from '../errors.ts';
import { formatUsd } from '../output/format.ts';
import { plural, podLabel } from '../pods.ts';
import { podRow } from '../rows.ts';
import { keepSshConfigCurrent } from '../ssh-config-sync.ts';
import { checkNumbers } from './numeric-options.ts';

interface UpArgs {
  targets: string | undefined;
  name: string | undefined;
  prefix: string | undefined;
  image: string | undefined;
  ttl: string | undefined;
  until: string | undefined;
  wait: boolean;
  timeout: string;
  gpu: string | undefined;
  count: number | undefined;
  maxPrice: number | undefined;
  country: string | undefined;
}

/** Which machines to rent: the named ones, or the best match for `--gpu`. */
async function chooseExecutors(
  lium: Lium,
  args: UpArgs,
  ctx: CommandContext,
): Promise<ExecutorInfo[]> {
  if (args.targets) {
    if (args.gpu) throw new CliUsageError('Give machines or --gpu, not both');
    return lium.resolveExecutors(args.targets, { signal: ctx.signal });
  }
  if (!args.gpu) {
    throw new CliUsageError(
      'Name the machines to rent, or pass --gpu',
      'e.g. `lium up 1` (row 1 of `lium ls`) or `lium up --gpu H100 --count 8`.',
    );
  }
  const found = await lium.listExecutors({
    gpuType: args.gpu,
    ...(args.count !== undefined ? { gpuCount: args.count } : {}),
    ...(args.maxPrice !== undefined ? { maxPricePerGpuHour: args.maxPrice } : {}),
    ...(args.country ? { country: args.country } : {}),
    signal: ctx.signal,
  });
  if (found.length === 0) {
    throw new CliError(`No ${args.gpu} machine matches`, {
      code: 'no_match',
      hint: 'Loosen --count/--max-price/--country, or see what exists with `lium ls`.',
    });
  }
  // The official client's rule: the first best-value (Pareto) machine, else the cheapest.
  const { paretoFrontier } = await import('@lium/sdk');
  const optimal = paretoFrontier(found);
  const best = found
    .filter((_, i) => optimal[i])
    .sort((a, b) => a.pricePerGpuHour - b.pricePerGpuHour)[0];
  return [best ?? [...found].sort((a, b) => a.pricePerGpuHour - b.pricePerGpuHour)[0]!];
}

function podNameFor(executor: ExecutorInfo, index: number, total: number, args: UpArgs): string {
  if (args.name) return total > 1 ? `${args.name}-${index + 1}` : args.name;
  return args.prefix ? `${args.prefix}-${executor.huid}` : executor.huid;
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('targets', {
        type: 'string',
        describe: 'Machines: index from `lium ls` (1, 1,2,3, 1-3), HUID or id',
      })
      .option('name', { type: 'string', describe: 'Pod name (default: the machine HUID)' })
      .option('prefix', { type: 'string', describe: 'Name pods <prefix>-<machine HUID>' })
      .option('image', {
        alias: 'template',
        type: 'string',
        describe: 'Template id (see `lium templates`)',
      })
      .option('ttl', { type: 'string', describe: 'Remove the pod after this long: 30m, 6h, 2d' })
      .option('until', {
        type: 'string',
        describe: 'Remove the pod at: "today 23:00", "2026-07-01 18:00"',
      })
      .option('wait', {
        type: 'boolean',
        default: true,
        describe: 'Wait until the pod is usable (--no-wait to return at once)',
      })
      .option('timeout', {
        type: 'string',
        default: '15m',
        describe: 'Give up waiting after this long (15m, 90s; a bare number is seconds)',
      })
      .option('gpu', {
        type: 'string',
        describe: 'Rent the best machine with this GPU instead of naming one',
      })
      .option('count', { type: 'number', describe: 'With --gpu: exact number of GPUs' })
      .option('max-price', { type: 'number', describe: 'With --gpu: highest $ per GPU-hour' })
      .option('country', { type: 'string', describe: 'With --gpu: country code' })
      .conflicts('ttl', 'until')
      .check(checkNumbers({ count: 'whole-positive', 'max-price': 'positive' }))
      .example('lium up 1', 'rent row 1 of the last `lium ls` (asks first)')
      .example('lium up 1,2,3 -y --prefix exp', 'rent three, no questions')
      .example('lium up --gpu H100 --count 8 --ttl 6h', 'the best 8×H100, removed after 6 hours'),
  async handler(rawArgs, ctx) {
    const args = rawArgs as unknown as UpArgs;
    const sdk = await import('@lium/sdk');
    // Check the time specs before renting anything: a typo must not cost money.
    const removalAt =
      args.ttl !== undefined || args.until !== undefined
        ? sdk.resolveRemovalTime({
            ...(args.ttl ? { ttl: args.ttl } : {}),
            ...(args.until ? { until: args.until } : {}),
          })
        : undefined;
    const timeoutMs = sdk.parseDuration(args.timeout, { seconds: true });
    if (args.name && args.prefix) throw new CliUsageError('Give --name or --prefix, not both');

    const lium = await ctx.lium();
    const executors = await chooseExecutors(lium, args, ctx);
    const names = executors.map((executor, i) => podNameFor(executor, i, executors.length, args));
    const hourly = executors.reduce((sum, executor) => sum + executor.pricePerHour, 0);
    const { out } = ctx;
    for (const executor of executors) {
      const where = executor.location.countryCode ?? executor.location.country ?? '';
      out.info(
        `  ${out.c.cyan(executor.huid)}  ${executor.gpuCount}×${executor.gpuType}${where ? `  ${where}` : ''}  ${out.c.bold(formatUsd(executor.pricePerHour))}/h`,
      );
    }
    await ctx.confirm(
      `Rent ${plural(executors.length, 'pod')} for ${formatUsd(hourly)}/h in total?`,
      `rent ${plural(executors.length, 'pod')}`,
    );

    const pods = await rentAll(lium, executors, names, args, ctx, timeoutMs);
    await keepSshConfigCurrent(ctx, { upsert: pods });
    if (removalAt) {
      try {
        await Promise.all(
          pods.map((pod) => lium.scheduleRemoval(pod, { until: removalAt, signal: ctx.signal })),
        );
      } catch (error) {
        mentionLeftovers(
          ctx,
          pods.map((pod) => pod.name),
          [],
        );
        throw error;
      }
      out.info(`Scheduled removal at ${removalAt.toLocaleString()}.`);
    }
    if (out.json) {
      const now = new Date();
      out.printJson(pods.map((pod, i) => podRow(pod, i + 1, now)));
      return;
    }
    for (const pod of pods) {
      out.success(`${podLabel(pod)} is ${args.wait ? 'ready' : pod.status.toLowerCase()}`);
      if (pod.sshCmd)
        out.info(`  ${out.c.dim('ssh:')} lium ssh ${pod.huid}   ${out.c.dim(`(${pod.sshCmd})`)}`);
    }
    out.info(
      out.c.dim(
        `Run \`lium ps\` to see your pods, \`lium down ${pods.map((pod) => pod.huid).join(',')}\` to stop paying.`,
      ),
    );
  },
});

/** Errors after which a rent may or may not have happened on the server. */
const UNCERTAIN = new Set([
  'connection_failed',
  'timeout',
  'server_error',
  'aborted',
  'interrupted',
]);

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null
    ? (error as { code?: string }).code
    : undefined;
}

/**
 * Rents every machine, then waits for each pod to be usable. Pods are never left
 * unmentioned: after Ctrl-C the ones this command started are stopped (any that could not be
 * are named); after a failure the ones that exist, or may, are named with how to stop them.
 */
async function rentAll(
  lium: Lium,
  executors: readonly ExecutorInfo[],
  names: readonly string[],
  args: UpArgs,
  ctx: CommandContext,
  timeoutMs: number,
): Promise<PodInfo[]> {
  const { out } = ctx;
  const spinner = out.spinner(`Renting ${plural(executors.length, 'pod')}…`);
  const rents = await Promise.allSettled(
    executors.map((executor, i) =>
      lium.startPod({
        executorId: executor.id,
        podName: names[i]!,
        // Pods are named on the command line later (`lium exec my-pod`): keep names unique.
        ifExists: 'error',
        ...(args.image ? { templateId: args.image } : {}),
        signal: ctx.signal,
      }),
    ),
  );
  const started = rents.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const rentErrors = rents.flatMap((r, i) =>
    r.status === 'rejected' ? [{ name: names[i]!, error: r.reason as unknown }] : [],
  );
  if (ctx.interrupted) {
    spinner.stop();
    await cleanUpAfterInterrupt(
      lium,
      started,
      rentErrors.map((e) => e.name),
      ctx,
    );
    throw new CliInterruptedError('Interrupted while renting');
  }
  if (rentErrors.length > 0) {
    // The error itself is the one ✘ line; the spinner just goes away.
    spinner.stop();
    const maybe = rentErrors.filter((e) => UNCERTAIN.has(codeOf(e.error) ?? '')).map((e) => e.name);
    mentionLeftovers(
      ctx,
      started.map((pod) => pod.name),
      maybe,
    );
    throw rentErrors[0]!.error;
  }
  if (!args.wait) {
    spinner.succeed(`Rented ${plural(started.length, 'pod')}`);
    return started;
  }
  spinner.update(`Waiting for ${plural(started.length, 'pod')} to be ready…`);
  let ready = 0;
  const waits = await Promise.allSettled(
    started.map(async (pod) => {
      const result = await lium.waitForPodReady(pod, {
        timeoutMs,
        signal: ctx.signal,
        onStatus: (now: PodInfo) => {
          if (started.length === 1 && now.phase)
            spinner.update(`Waiting for ${now.huid}: ${now.phase}…`);
        },
      });
      ready += 1;
      if (started.length > 1)
        spinner.update(`Waiting for pods to be ready (${ready}/${started.length})…`);
      return result;
    }),
  );
  if (ctx.interrupted) {
    spinner.stop();
    await cleanUpAfterInterrupt(lium, started, [], ctx);
    throw new CliInterruptedError('Interrupted while waiting for pods');
  }
  const waitErrors = waits.flatMap((w) => (w.status === 'rejected' ? [w.reason as unknown] : []));
  if (waitErrors.length > 0) {
    spinner.stop();
    mentionLeftovers(
      ctx,
      started.map((pod) => pod.name),
      [],
    );
    throw waitErrors[0];
  }
  const readyPods = waits.flatMap((w) => (w.status === 'fulfilled' ? [w.value] : []));
  spinner.succeed(`${plural(readyPods.length, 'pod')} ready`);
  return readyPods;
}

function mentionLeftovers(
  ctx: CommandContext,
  existing: readonly string[],
  uncertain: readonly string[],
): void {
  if (existing.length > 0) {
    ctx.out.warn(
      `${existing.length === 1 ? 'This pod exists' : 'These pods exist'}: ${existing.join(', ')}. Stop with \`lium down ${existing.join(',')}\` unless you want ${existing.length === 1 ? 'it' : 'them'}.`,
    );
  }
  if (uncertain.length > 0) {
    ctx.out.warn(`May have been rented: ${uncertain.join(', ')}. Check \`lium ps\` in a minute.`);
  }
}

/** How long clean-up keeps looking for a pod whose rent was cut off mid-request. */
const IN_FLIGHT_LOOKUPS = [0, 1_000, 2_000, 3_000];

/**
 * After Ctrl-C: stop the pods this command rented, and look for the ones whose rent request was
 * cut off (the server may still have created them). Whatever cannot be confirmed gone is named.
 */
async function cleanUpAfterInterrupt(
  lium: Lium,
  rented: readonly PodInfo[],
  inFlight: readonly string[],
  ctx: CommandContext,
): Promise<void> {
  const { out } = ctx;
  out.warn('Interrupted: stopping the pods this command started…');
  // The run's signal is aborted; clean-up gets its own deadline instead.
  const signal = AbortSignal.timeout(30_000);
  const leftovers: string[] = [];
  const stop = async (pod: PodInfo) => {
    try {
      await lium.stopPod(pod, { signal });
      out.info(`  stopped ${podLabel(pod)}`);
    } catch {
      leftovers.push(pod.name || pod.huid);
    }
  };
  const findAndStop = async (name: string) => {
    for (const delay of IN_FLIGHT_LOOKUPS) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const pod = await lium.getPodByName(name, { signal }).catch(() => undefined);
      if (pod) return stop(pod);
    }
    leftovers.push(name);
  };
  await Promise.all([...rented.map(stop), ...inFlight.map(findAndStop)]);
  if (leftovers.length > 0) {
    out.warn(
      `Could not confirm these pods are gone: ${leftovers.join(', ')}. Check \`lium ps\` and stop them with \`lium down <name>\`.`,
    );
  }
}
