import { isLiumError } from '@lium/errors';
import type { ExecutorInfo, Lium, PodInfo, StartPodsEvent, VolumeSpec } from '@lium/sdk';
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { type ArgsOf, defineCommand } from '../define-command.ts';
import type { ErrorCode } from '../error-codes.ts';
import { CliError, CliInterruptedError, CliUsageError } from '../errors.ts';
import { describeError } from '../handle-error.ts';
import { flag, number, options, text } from '../options.ts';
import { formatUsd } from '../output/format.ts';
import { paintTier } from '../output/tier.ts';
import { formatMoment, formatUntil } from '../output/time.ts';
import { PodWaitView } from '../pod-wait-view.ts';
import { byAge, plural, podLabel } from '../pods.ts';
import { podRow } from '../rows.ts';
import { guardSpend } from '../spend.ts';
import { spotWarning } from '../spot-warning.ts';
import { keepSshConfigCurrent } from '../ssh-config-sync.ts';
import { chooseTemplateArg, describeTemplateChoice, templateIdOf } from '../template-arg.ts';
import { afterReady, beforeRent, readUpFlags, UP_FLAG_OPTIONS, type UpFlags } from './up-flags.ts';

type UpArgs = ArgsOf<typeof builder>;

/** Which machines to rent: the named ones, or the best match for `--gpu` (row 1 of `lium ls`). */
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
  try {
    return [
      await lium.bestExecutor({
        gpuType: args.gpu,
        gpuCount: args.count,
        maxPricePerGpuHour: args.maxPrice,
        country: args.country,
        minPorts: args.ports,
        signal: ctx.signal,
      }),
    ];
  } catch (error) {
    if (!(isLiumError(error) && error.code === 'no_match')) throw error;
    throw new CliError(`No ${args.gpu} machine matches`, {
      code: 'no_match',
      hint: 'Loosen --count/--max-price/--country/--ports, or see what exists with `lium ls`.',
    });
  }
}

function podNameFor(executor: ExecutorInfo, index: number, total: number, args: UpArgs): string {
  if (args.name) return total > 1 ? `${args.name}-${index + 1}` : args.name;
  return args.prefix ? `${args.prefix}-${executor.huid}` : executor.huid;
}

const builder = (yargs: Argv<GlobalArgs>) =>
  yargs
    .positional('targets', {
      type: 'string',
      describe: 'Machines: index from `lium ls` (1, 1,2,3, 1-3), HUID or id',
    })
    .options(
      options({
        name: text('Pod name (default: the machine HUID)', { alias: 'n' }),
        prefix: text('Name pods <prefix>-<machine HUID>'),
        image: text(
          'Template id, HUID or # from `lium templates`, or a Docker image (REPO:TAG: uses its template, or makes one)',
          {
            alias: ['template', 't', 'template_id'],
          },
        ),
        ttl: text('Remove the pod after this long: 30m, 6h, 2d'),
        until: text('Remove the pod at: "today 23:00", "2026-07-01 18:00"'),
        wait: flag('Wait until the pod is usable (--no-wait to return at once)', {
          default: true,
        }),
        'wait-timeout': text(
          'Give up waiting for the pods after this long (15m, 90s; a bare number is seconds); --timeout bounds the whole command',
          { default: '15m' },
        ),
        gpu: text('Rent the best machine with this GPU instead of naming one'),
        count: number('whole-positive', 'With --gpu: exact number of GPUs', { alias: 'c' }),
        'max-price': number('positive', 'With --gpu: highest $ per GPU-hour'),
        country: text('With --gpu: country code'),
        ports: number(
          'whole-positive',
          'External ports to map (the machine must have that many free)',
        ),
        'allow-over-budget': flag('Rent even beyond budget.max_hourly / budget.max_price'),
        volume: text(
          'Attach a volume: id:<HUID|name|id>, or new:name=NAME[,desc=TEXT] to create one',
        ),
      }),
    )
    .options(UP_FLAG_OPTIONS)
    .conflicts('ttl', 'until')
    .example('lium up 1', 'rent row 1 of the last `lium ls` (asks first)')
    .example('lium up 1,2,3 -y --prefix exp', 'rent three, no questions')
    .example('lium up --gpu H100 --count 8 --ttl 6h', 'the best 8×H100, removed after 6 hours')
    .example('lium up 1 --volume new:name=data --ports 4', 'with a new volume and 4 open ports')
    .example('lium up 1 -e HF_TOKEN --jupyter', 'pass your $HF_TOKEN, then start Jupyter');

export default defineCommand({
  builder,
  async handler(args, ctx) {
    const sdk = await import('@lium/sdk');
    // Check the time specs before renting anything: a typo must not cost money.
    const removalAt =
      args.ttl !== undefined || args.until !== undefined
        ? sdk.removalTimeOf({ ttl: args.ttl, until: args.until })
        : undefined;
    const timeoutMs = sdk.parseDuration(args.waitTimeout, { seconds: true });
    if (args.name && args.prefix) throw new CliUsageError('Give --name or --prefix, not both');
    // A bad --volume spec must fail before anything is rented or created.
    const volumeSpec = args.volume !== undefined ? parseVolumeArg(sdk, args.volume) : undefined;
    const flags = await readUpFlags(args, ctx);

    const lium = await ctx.lium();
    const executors = await chooseExecutors(lium, args, ctx);
    if (volumeSpec && executors.length > 1) {
      throw new CliUsageError(
        `--volume attaches to one pod, not ${executors.length}`,
        'Rent one pod with the volume, or drop --volume.',
      );
    }
    checkPorts(executors, args.ports);
    // A wrong --image is a usage error before anything is shown or rented.
    const template = args.image ? await chooseTemplateArg(lium, args.image, ctx) : undefined;
    const names = executors.map((executor, i) => podNameFor(executor, i, executors.length, args));
    const hourly = executors.reduce((sum, executor) => sum + executor.pricePerHour, 0);
    const { out } = ctx;
    for (const executor of executors) {
      const where = executor.location.countryCode ?? executor.location.country ?? '';
      out.info(
        `  ${out.c.cyan(executor.huid)}  ${executor.gpuCount}×${executor.gpuType}${where ? `  ${where}` : ''}  ${out.c.bold(formatUsd(executor.pricePerHour))}/h${executor.tier ? `  ${paintTier(executor.tier, out.c)}` : ''}`,
      );
    }
    if (template) describeTemplateChoice(template, ctx);
    // Without --image the SDK would choose the template at rent: choose it now (from the
    // machines already listed, no second GET /executors), so its estimate shows and the same
    // template is rented.
    const defaultIds =
      template === undefined && flags.dockerfileContent === undefined
        ? await Promise.all(
            executors.map((executor) =>
              lium.templateIdForRent(executor, { signal: ctx.signal }).catch(() => undefined),
            ),
          )
        : undefined;
    await showEstimates(
      lium,
      executors,
      executors.map((_, i) => template?.template?.id ?? defaultIds?.[i]),
      ctx,
    );
    const runway = await guardSpend(lium, executors, ctx, {
      allowOver: args.allowOverBudget,
      removalAt,
    });
    if (runway) out.info(`  balance: ${runway}`);
    const spot = spotWarning(executors);
    if (spot) out.warn(spot);
    await ctx.confirm(
      `Rent ${plural(executors.length, 'pod')} for ${formatUsd(hourly)}/h in total?`,
      `rent ${plural(executors.length, 'pod')}`,
    );
    await beforeRent(lium, flags, ctx);
    const chosenId = template ? await templateIdOf(lium, template, ctx) : undefined;
    const templateIds = executors.map((_, i) => chosenId ?? defaultIds?.[i]);
    let volumeId: string | undefined;
    if (volumeSpec) {
      const { volume, created } = await sdk.volumeForRent(sdk.volumeDepsOf(lium), volumeSpec, {
        signal: ctx.signal,
      });
      volumeId = volume.id;
      out.info(
        `${created ? 'Created' : 'Attaching'} volume ${volume.huid}${volume.name ? ` (${volume.name})` : ''}`,
      );
    }

    const pods = await rentAll(
      lium,
      executors,
      names,
      args,
      ctx,
      timeoutMs,
      removalAt,
      { templateIds, volumeId },
      flags,
    );
    const jupyterUrls = await afterReady(lium, pods, flags, ctx);
    await keepSshConfigCurrent(ctx, { upsert: pods });
    if (removalAt) {
      out.info(
        `Scheduled removal at ${formatMoment(removalAt, ctx.io.env)} (${formatUntil(removalAt)}).`,
      );
    }
    // Indices must mean the same pods to the next `lium exec 2`: number them as `lium ps`
    // does, and remember that list as `ps` would (issue #11 item 3).
    const listed = [...(await lium.listPods({ signal: ctx.signal }))].sort(byAge);
    await lium.rememberPods(listed);
    const indexOf = (pod: PodInfo) => listed.findIndex((p) => p.id === pod.id) + 1;
    if (out.json) {
      out.printJson(
        pods.map((pod) => {
          // The list read after renting has the scheduled removal; the rent's answer has not.
          const fresh = listed.find((p) => p.id === pod.id) ?? pod;
          const { index, ...row } = podRow(fresh, indexOf(pod));
          if (removalAt && !row.removal_scheduled_at) {
            row.removal_scheduled_at = removalAt.toISOString();
          }
          const jupyter = flags.jupyter ? { jupyter_url: jupyterUrls.get(pod.id) ?? null } : {};
          return index > 0 ? { index, ...row, ...jupyter } : { ...row, ...jupyter };
        }),
      );
      return;
    }
    printReady(pods, args.wait, ctx);
    out.info(
      out.c.dim(
        `Run \`lium ps\` to see your pods, \`lium down ${pods.map((pod) => pod.huid).join(',')}\` to stop paying.`,
      ),
    );
  },
});

/**
 * Rents every machine through `lium.startPods` and waits for each pod to be usable. Pods are
 * never left unmentioned: the moment Ctrl-C arrives, every pod rented (or in flight) and not
 * confirmed gone is named with how to stop it, before any DELETE is sent, so a second Ctrl-C
 * (which exits at once) cannot hide one; after a failure the ones that exist, or may, are named.
 */
async function rentAll(
  lium: Lium,
  executors: readonly ExecutorInfo[],
  names: readonly string[],
  args: UpArgs,
  ctx: CommandContext,
  timeoutMs: number,
  removalAt: Date | undefined,
  {
    templateIds,
    volumeId,
  }: { templateIds: readonly (string | undefined)[]; volumeId: string | undefined },
  flags: UpFlags,
): Promise<PodInfo[]> {
  const { out } = ctx;
  out.step(`Renting ${plural(executors.length, 'pod')}…`);
  // A line per pod on a terminal: `HUID (name)  pulling image  1m 05s`.
  const view = new PodWaitView(out, names);
  const ledger = new PodLedger();
  const onInterrupt = () => {
    view.stop();
    const { rented, inFlight } = ledger.outstanding();
    out.warn(
      rented.length > 0
        ? `Interrupted: stopping the pods this command started: ${rented.map(podLabel).join(', ')}. If this is cut short, stop them with \`lium down ${rented.map((pod) => pod.huid).join(',')}\`.`
        : 'Interrupted: stopping the pods this command started…',
    );
    if (inFlight.length > 0) {
      out.warn(
        `May have been rented: ${inFlight.join(', ')}. If this is cut short, check \`lium ps\` and stop them with \`lium down <name>\`.`,
      );
    }
  };
  if (ctx.signal.aborted) onInterrupt();
  else ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  let waiting = false;
  const outcomes = await lium
    .startPods(
      executors.map((executor, i) => ({
        executor,
        podName: names[i]!,
        templateId: templateIds[i],
        volumeId,
        initialPortCount: args.ports,
        dockerfileContent: flags.dockerfileContent,
        container: flags.container,
      })),
      {
        wait: args.wait,
        waitTimeoutMs: timeoutMs,
        removeAfter: removalAt,
        // Pods are named on the command line later (`lium exec my-pod`): keep names unique.
        ifExists: 'error',
        signal: ctx.signal,
        onProgress: (event) => {
          ledger.record(event);
          if (ctx.interrupted) {
            if (event.type === 'stopped' && event.pod) out.info(`  stopped ${podLabel(event.pod)}`);
            return;
          }
          if (event.type === 'rented') waiting = args.wait;
          view.record(event);
        },
      },
    )
    .finally(() => ctx.signal.removeEventListener('abort', onInterrupt));
  for (const o of outcomes) if (o.error !== undefined) view.failed(o.spec.podName);
  view.stop();

  if (ctx.interrupted) {
    const left = outcomes.filter((o) => o.state === 'unconfirmed');
    if (left.length > 0) {
      const labels = left.map((o) => (o.pod ? podLabel(o.pod) : o.spec.podName));
      out.warn(
        `Could not confirm these pods are gone: ${labels.join(', ')}. Check \`lium ps\` and stop them with \`lium down ${left.map((o) => o.pod?.huid ?? o.spec.podName).join(',')}\`.`,
      );
    }
    throw new CliInterruptedError(
      waiting ? 'Interrupted while waiting for pods' : 'Interrupted while renting',
    );
  }
  const pods = outcomes.flatMap((o) => (o.pod && o.error === undefined ? [o.pod] : []));
  const failures = outcomes.filter((o) => o.error !== undefined);
  if (failures.length === 0) {
    out.success(
      args.wait ? `${plural(pods.length, 'pod')} ready` : `Rented ${plural(pods.length, 'pod')}`,
    );
    return pods;
  }
  // Partial failure: the healthy pods as usual (ready line and ssh command), then each failed
  // pod's reason, then what still exists; the run fails (exit 1).
  if (!out.json) printReady(pods, args.wait, ctx);
  for (const o of failures.slice(0, -1)) {
    const report = describeError(notFoundHint(o.error), ctx.interrupted);
    out.error(`${o.pod ? podLabel(o.pod) : o.spec.podName}: ${report.message}`, report.hint);
  }
  const existing = outcomes.flatMap((o) => (o.pod && o.error !== undefined ? [o.pod] : []));
  const maybe = outcomes.filter((o) => o.state === 'maybe_rented').map((o) => o.spec.podName);
  mentionLeftovers(ctx, existing, maybe);
  const last = failures.at(-1) as (typeof failures)[number];
  if (pods.length === 0) throw notFoundHint(last.error);
  const report = describeError(notFoundHint(last.error), ctx.interrupted);
  throw new CliError(`${last.pod ? podLabel(last.pod) : last.spec.podName}: ${report.message}`, {
    code: report.code as ErrorCode,
    ...(report.hint ? { hint: report.hint } : {}),
    cause: last.error,
  });
}

/** Each pod's ready (or rented) line and how to reach it. */
function printReady(pods: readonly PodInfo[], waited: boolean, ctx: CommandContext): void {
  const { out } = ctx;
  for (const pod of pods) {
    out.success(`${podLabel(pod)} is ${waited ? 'ready' : pod.status.toLowerCase()}`);
    if (pod.sshCmd)
      out.info(`  ${out.c.dim('ssh:')} lium ssh ${pod.huid}   ${out.c.dim(`(${pod.sshCmd})`)}`);
  }
}

/** `--volume` parsed, or a usage error (exit 2) saying what the forms are. */
function parseVolumeArg(sdk: typeof import('@lium/sdk'), text: string): VolumeSpec {
  try {
    return sdk.parseVolumeSpec(text);
  } catch (error) {
    if (!isLiumError(error)) throw error;
    throw new CliUsageError(
      error.message,
      'Use --volume id:<HUID|name|id> or --volume new:name=NAME[,desc=TEXT].',
    );
  }
}

/** `--ports N` on a machine with fewer free ports would fail at rent: refuse first. */
function checkPorts(executors: readonly ExecutorInfo[], ports: number | undefined): void {
  if (ports === undefined) return;
  const short = executors.filter(
    (executor) => executor.availablePortCount !== undefined && executor.availablePortCount < ports,
  );
  if (short.length > 0) {
    throw new CliError(
      `${short.map((e) => `${e.huid} has ${e.availablePortCount} free ports`).join(', ')}; --ports asks for ${ports}`,
      { code: 'no_match', hint: 'Ask for fewer ports, or pick another machine from `lium ls`.' },
    );
  }
}

/**
 * The server's deployment estimate (start time, slow-machine warning) for each machine whose
 * template is known, when it offers one: errors are ignored, as the official client does. One
 * machine gets the plain lines; several get a line each, led by the machine's HUID.
 */
async function showEstimates(
  lium: Lium,
  executors: readonly ExecutorInfo[],
  templateIds: readonly (string | undefined)[],
  ctx: CommandContext,
): Promise<void> {
  const estimates = await Promise.all(
    executors.map((executor, i) => {
      const templateId = templateIds[i];
      if (templateId === undefined) return undefined;
      return lium
        .getDeploymentEstimate(executor.id, templateId, { signal: ctx.signal })
        .catch(() => undefined);
    }),
  );
  const { out } = ctx;
  const several = executors.length > 1;
  estimates.forEach((estimate, i) => {
    if (!estimate) return;
    const lead = several ? `${(executors[i] as ExecutorInfo).huid}: ` : '';
    if (estimate.seconds !== undefined) {
      const minutes = Math.max(1, Math.round(estimate.seconds / 60));
      out.info(
        `  ${lead}expected to start in about ${minutes} min${estimate.cachedImage ? ' (image cached on the machine)' : ''}`,
      );
    }
    if (estimate.slowMachine)
      out.warn(`${lead}${estimate.warning || 'This machine is slow to start pods.'}`);
    else if (estimate.warning) out.warn(`${lead}${estimate.warning}`);
  });
}

/** A rent refused with 404 means the machine is gone from the market since it was listed. */
function notFoundHint(error: unknown): unknown {
  if (!(isLiumError(error) && error.code === 'not_found')) return error;
  const status = (error as { status?: unknown }).status;
  if (status !== 404) return error;
  return new CliError(error.message, {
    code: 'not_found',
    hint: 'The machine may have been rented by someone else: run `lium ls` again and pick another.',
    cause: error,
  });
}

/** Which pods this run has rented or has in flight, and which are confirmed gone. */
class PodLedger {
  readonly #rented = new Map<string, PodInfo>();
  readonly #inFlight = new Set<string>();

  record(event: StartPodsEvent): void {
    const name = event.spec.podName;
    if (event.type === 'renting') this.#inFlight.add(name);
    if (event.type === 'rented') {
      this.#inFlight.delete(name);
      this.#rented.set(name, event.pod);
    }
    if (event.type === 'stopped') {
      this.#inFlight.delete(name);
      this.#rented.delete(name);
    }
  }

  /** Rented and not confirmed gone; rents sent but not answered (by pod name). */
  outstanding(): { rented: PodInfo[]; inFlight: string[] } {
    return { rented: [...this.#rented.values()], inFlight: [...this.#inFlight] };
  }
}

function mentionLeftovers(
  ctx: CommandContext,
  existing: readonly PodInfo[],
  uncertain: readonly string[],
): void {
  if (existing.length > 0) {
    ctx.out.warn(
      `${existing.length === 1 ? 'This pod exists' : 'These pods exist'}: ${existing.map(podLabel).join(', ')}. Stop with \`lium down ${existing.map((pod) => pod.huid).join(',')}\` unless you want ${existing.length === 1 ? 'it' : 'them'}.`,
    );
  }
  if (uncertain.length > 0) {
    ctx.out.warn(`May have been rented: ${uncertain.join(', ')}. Check \`lium ps\` in a minute.`);
  }
}
